import ArgumentParser
import CarShop
import Foundation
import KafkaClient
import Logging

/// `carshop`: records customers, cars and sales, and publishes each change as a reported
/// event (outbox: the change and its event commit together; publishing follows).
@main
struct CarShopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carshop",
        abstract: "The car shop: customers, cars and sales, each change published as a reported event.",
        subcommands: [Customers.self, Cars.self, Sales.self, Outbox.self, Report.self])
}

/// Where the shop keeps its state and where it publishes.
struct ShopOptions: ParsableArguments {
    @Option(help: "SQLite database.") var db = "./carshop.sqlite"
    @Option(name: .customLong("bootstrap-servers"), help: "Kafka bootstrap servers (env REPORTSERVER__BOOTSTRAPSERVERS).")
    var bootstrapServers = ProcessInfo.processInfo.environment["REPORTSERVER__BOOTSTRAPSERVERS"] ?? "localhost:9092"
    @Option(help: "Topic for reported events (env REPORTSERVER__TOPIC).")
    var topic = ProcessInfo.processInfo.environment["REPORTSERVER__TOPIC"] ?? "car-shop-reported-events"
    @Option(name: .customLong("publish-timeout"), help: "Seconds to try delivering events before leaving them pending.")
    var publishTimeout = 5

    func validate() throws {
        // librdkafka reads a message timeout of 0 as "never give up", which would hang the
        // command while the broker is down instead of leaving the events pending.
        guard (1...3600).contains(publishTimeout) else {
            throw ValidationError("--publish-timeout must be 1...3600 seconds, got \(publishTimeout)")
        }
    }

    func store() throws(CarShopError) -> CarShopStore {
        try CarShopStore(path: db)
    }

    /// Publishes everything pending and says what happened. A broker that cannot be reached
    /// is not an error: the change is saved and the events wait for `carshop outbox flush`.
    func publish(_ store: CarShopStore) async {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.acks = -1
        configuration.idempotence = true
        configuration.messageTimeoutMs = publishTimeout * 1000
        var logger = Logger(label: "carshop")
        logger.logLevel = .critical
        guard let producer = try? KafkaProducer(configuration: configuration, logger: logger) else {
            report(pending: (try? store.pendingCount()) ?? 0, reason: "bad Kafka settings")
            return
        }
        defer { producer.close() }
        let outcome = await OutboxPublisher(store: store, producer: producer, topic: topic).flush()
        if outcome.pending > 0 {
            report(pending: outcome.pending, reason: outcome.error.map { "\($0)" } ?? "not delivered")
        } else if outcome.sent > 0 {
            print("published \(outcome.sent) event(s) to \(topic)")
        }
    }

    private func report(pending: Int, reason: String) {
        print("saved; \(pending) event(s) pending: Kafka at \(bootstrapServers) is unavailable (\(reason)). Run `carshop outbox flush` later.")
    }
}

/// Runs a store operation; the shop's refusals become one readable line and exit code 1.
func shop<T>(_ body: () throws(CarShopError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw ShopFailure(description: error.description)
    }
}

struct ShopFailure: Error, CustomStringConvertible {
    var description: String
}
