import Foundation
import GRDB

extension CarShopStore {
    /// Adds a customer and reports `CustomerAdded`.
    @discardableResult
    public func addCustomer(name: String, legPower: Int, handPower: Int) throws(CarShopError) -> Customer {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .invalidName(name) }
        guard legPower >= 0 else { throw .negativePower("leg", legPower) }
        guard handPower >= 0 else { throw .negativePower("hand", handPower) }
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customer WHERE name = ?)", arguments: [name]) == true {
                throw CarShopError.duplicateCustomer(name)
            }
            try db.execute(sql: "INSERT INTO customer (name, leg_power, hand_power) VALUES (?, ?, ?)",
                           arguments: [name, legPower, handPower])
            try Self.record(ReportedEvent(eventType: .customerAdded,
                                          eventDescription: "Customer \(name) added with leg power \(legPower) and hand power \(handPower)"),
                            key: name, in: db)
            return Customer(name: name, legPower: legPower, handPower: handPower)
        }
    }

    /// Adds a car with the next number and reports `CarAdded`.
    @discardableResult
    public func addCar(engine: Car.Engine) throws(CarShopError) -> Car {
        if case let .pedal(size) = engine, size <= 0 { throw .invalidPedalSize(size) }
        return try write { db in
            let size: Int? = if case let .pedal(size) = engine { size } else { nil }
            try db.execute(sql: "INSERT INTO car (engine, pedal_size) VALUES (?, ?)", arguments: [engine.name, size])
            let number = Int(db.lastInsertedRowID)
            let description = size.map { "Car \(number) with a pedal engine (pedal size \($0)) added" } ?? "Car \(number) with a hand engine added"
            try Self.record(ReportedEvent(eventType: .carAdded, eventDescription: description), key: String(number), in: db)
            return Car(number: number, engine: engine)
        }
    }

    /// Gives each unsold car, in number order, to the first compatible customer (in the
    /// order they were added) who has no car yet; reports `CarSold` for each sale.
    @discardableResult
    public func sellCars() throws(CarShopError) -> [(car: Car, customer: Customer)] {
        try write { db in
            let cars = try Self.cars(db).filter { $0.owner == nil }
            var customers = try Self.customers(db)
            var sales: [(car: Car, customer: Customer)] = []
            for var car in cars {
                guard let index = customers.firstIndex(where: { $0.carNumber == nil && $0.canDrive(car) }) else { continue }
                customers[index].carNumber = car.number
                car.owner = customers[index].name
                try db.execute(sql: "UPDATE car SET owner = ? WHERE number = ?", arguments: [car.owner, car.number])
                try db.execute(sql: "UPDATE customer SET car_number = ? WHERE name = ?", arguments: [car.number, customers[index].name])
                try Self.record(ReportedEvent(eventType: .carSold,
                                              eventDescription: "Car \(car.number) (\(car.engine.name) engine) sold to \(customers[index].name)"),
                                key: String(car.number), in: db)
                sales.append((car, customers[index]))
            }
            return sales
        }
    }

    public func customers() throws(CarShopError) -> [Customer] { try read(Self.customers) }
    public func cars() throws(CarShopError) -> [Car] { try read(Self.cars) }

    static func customers(_ db: Database) throws -> [Customer] {
        try Row.fetchAll(db, sql: "SELECT name, leg_power, hand_power, car_number FROM customer ORDER BY id").map {
            Customer(name: $0["name"], legPower: $0["leg_power"], handPower: $0["hand_power"], carNumber: $0["car_number"])
        }
    }

    static func cars(_ db: Database) throws -> [Car] {
        try Row.fetchAll(db, sql: "SELECT number, engine, pedal_size, owner FROM car ORDER BY number").map { row in
            let engine: Car.Engine = (row["engine"] as String) == "pedal" ? .pedal(size: row["pedal_size"] ?? 0) : .hand
            return Car(number: row["number"], engine: engine, owner: row["owner"])
        }
    }
}
