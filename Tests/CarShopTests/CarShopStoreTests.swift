import CarShop
import Foundation
import Testing

@Suite struct CarShopStoreTests {
    @Test func sellingGivesEachCarToTheFirstCompatibleCustomerWithoutACar() throws {
        let store = try CarShopStore(path: ":memory:")
        try store.addCustomer(name: "Ivan", legPower: 6, handPower: 4)    // pedal only
        try store.addCustomer(name: "Olga", legPower: 2, handPower: 9)    // hand only
        try store.addCustomer(name: "Petr", legPower: 7, handPower: 7)    // both
        try store.addCar(engine: .hand)          // 1 → Olga (Ivan cannot)
        try store.addCar(engine: .pedal(size: 6)) // 2 → Ivan
        try store.addCar(engine: .pedal(size: 3)) // 3 → Petr
        try store.addCar(engine: .hand)          // 4 → nobody left
        let sales = try store.sellCars()
        #expect(sales.map { "\($0.car.number)→\($0.customer.name)" } == ["1→Olga", "2→Ivan", "3→Petr"])
        #expect(try store.cars().map(\.owner) == ["Olga", "Ivan", "Petr", nil])
        #expect(try store.customers().map(\.carNumber) == [2, 1, 3])
        #expect(try store.sellCars().isEmpty)  // nobody without a car can take car 4
        try store.addCustomer(name: "Anna", legPower: 0, handPower: 5)
        #expect(try store.sellCars().map(\.car.number) == [4])
    }

    @Test func badInputIsRefusedAndNothingIsRecorded() throws {
        let store = try CarShopStore(path: ":memory:")
        try store.addCustomer(name: "Ivan", legPower: 6, handPower: 4)
        #expect(throws: CarShopError.negativePower("leg", -1)) { try store.addCustomer(name: "Bad", legPower: -1, handPower: 1) }
        #expect(throws: CarShopError.negativePower("hand", -2)) { try store.addCustomer(name: "Bad", legPower: 1, handPower: -2) }
        #expect(throws: CarShopError.duplicateCustomer("Ivan")) { try store.addCustomer(name: "Ivan", legPower: 1, handPower: 1) }
        #expect(throws: CarShopError.invalidName("")) { try store.addCustomer(name: "  ", legPower: 1, handPower: 1) }
        #expect(throws: CarShopError.invalidPedalSize(0)) { try store.addCar(engine: .pedal(size: 0)) }
        #expect(try store.customers().count == 1 && store.cars().isEmpty)
        #expect(try store.pendingCount() == 1)
    }

    @Test func everyChangeHasExactlyOneEventInTheWireFormat() throws {
        let store = try CarShopStore(path: ":memory:")
        try store.addCustomer(name: "Ivan", legPower: 6, handPower: 4)
        try store.addCar(engine: .pedal(size: 6))
        try store.sellCars()
        let pending = try store.pendingEvents()
        #expect(pending.map(\.eventType) == ["CustomerAdded", "CarAdded", "CarSold"])
        #expect(pending.map(\.key) == ["Ivan", "1", "1"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(pending[0].payload)) as? [String: String])
        #expect(Set(json.keys) == ["EventType", "EventDescription", "OccuredOn", "EventId"])
        #expect(json["EventId"] == pending[0].eventId)
        #expect(json["OccuredOn"]?.hasSuffix("+00:00") == true && json["OccuredOn"]?.contains(".") == true)
        try store.markSent(pending[0].id)
        #expect(try store.pendingEvents().map(\.eventType) == ["CarAdded", "CarSold"])
        #expect(try store.allEvents().map(\.eventType) == [.customerAdded, .carAdded, .carSold])
    }

    @Test func stateSurvivesReopening() throws {
        let path = NSTemporaryDirectory() + "carshop-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CarShopStore(path: path).addCustomer(name: "Ivan", legPower: 6, handPower: 4)
        let reopened = try CarShopStore(path: path)
        #expect(try reopened.customers().map(\.name) == ["Ivan"])
        #expect(try reopened.pendingCount() == 1)
    }
}
