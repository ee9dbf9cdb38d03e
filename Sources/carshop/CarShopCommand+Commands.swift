import ArgumentParser
import CarShop
import Foundation

extension CarShopCommand {
    struct Customers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add and list customers.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a customer.")
            @OptionGroup var options: ShopOptions
            @Option var name: String
            @Option(name: .customLong("leg-power"), parsing: .unconditional) var legPower: Int
            @Option(name: .customLong("hand-power"), parsing: .unconditional) var handPower: Int

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                let customer = try shop { () throws(CarShopError) in try store.addCustomer(name: name, legPower: legPower, handPower: handPower) }
                print("added customer \(customer.name) (leg power \(customer.legPower), hand power \(customer.handPower))")
                await options.publish(store)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List customers.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let customers = try shop { () throws(CarShopError) in try options.store().customers() }
                print(Table(["NAME", "LEG POWER", "HAND POWER", "CAR"],
                            customers.map { [$0.name, String($0.legPower), String($0.handPower), $0.carNumber.map(String.init) ?? "-"] }))
            }
        }
    }

    struct Cars: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add and list cars.", subcommands: [AddPedal.self, AddHand.self, List.self])

        struct AddPedal: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-pedal", abstract: "Add a car with a pedal engine.")
            @OptionGroup var options: ShopOptions
            @Option(name: .customLong("pedal-size"), parsing: .unconditional) var pedalSize: Int

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                let car = try shop { () throws(CarShopError) in try store.addCar(engine: .pedal(size: pedalSize)) }
                print("added car \(car.number) (pedal engine, pedal size \(pedalSize))")
                await options.publish(store)
            }
        }

        struct AddHand: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add-hand", abstract: "Add a car with a hand engine.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                let car = try shop { () throws(CarShopError) in try store.addCar(engine: .hand) }
                print("added car \(car.number) (hand engine)")
                await options.publish(store)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List cars.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let cars = try shop { () throws(CarShopError) in try options.store().cars() }
                print(Table(["NUMBER", "ENGINE", "PEDAL SIZE", "OWNER"], cars.map { car in
                    let size: String = if case let .pedal(size) = car.engine { String(size) } else { "-" }
                    return [String(car.number), car.engine.name, size, car.owner ?? "-"]
                }))
            }
        }
    }

    struct Sales: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sell cars.", subcommands: [SellCars.self])

        struct SellCars: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "sell-cars",
                                                            abstract: "Give each unsold car to the first compatible customer without a car.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                let sales = try shop { () throws(CarShopError) in try store.sellCars() }
                for sale in sales { print("sold car \(sale.car.number) to \(sale.customer.name)") }
                if sales.isEmpty { print("no car could be sold") }
                await options.publish(store)
            }
        }
    }

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Events waiting to be published.", subcommands: [Status.self, Flush.self])

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "How many events are pending and sent.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                let (pending, sent) = try shop { () throws(CarShopError) in (try store.pendingCount(), try store.sentCount()) }
                print("\(pending) pending, \(sent) sent")
            }
        }

        struct Flush: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Publish every pending event, in order.")
            @OptionGroup var options: ShopOptions

            func run() async throws {
                let store = try shop { () throws(CarShopError) in try options.store() }
                await options.publish(store)
                let pending = try shop { () throws(CarShopError) in try store.pendingCount() }
                if pending > 0 { throw ExitCode(1) }
                print("outbox empty")
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports.", subcommands: [Export.self])

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every reported event, as JSON or Markdown.")
            @OptionGroup var options: ShopOptions
            @Option(help: "json or markdown.") var format = "json"

            func validate() throws {
                guard ["json", "markdown"].contains(format) else { throw ValidationError("--format must be json or markdown, got '\(format)'") }
            }

            func run() async throws {
                let events = try shop { () throws(CarShopError) in try options.store().allEvents() }
                if format == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(events), as: UTF8.self))
                } else {
                    print("| Event Type | Event Description | Occured On |")
                    print("| --- | --- | --- |")
                    for event in events { print("| \(event.eventType.rawValue) | \(event.eventDescription) | \(event.occuredOn) |") }
                }
            }
        }
    }
}

/// A plain-text table with aligned columns.
struct Table: CustomStringConvertible {
    let header: [String]
    let rows: [[String]]
    init(_ header: [String], _ rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    var description: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
