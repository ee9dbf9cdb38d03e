/// A customer of the car shop: how strong their legs and hands are decides which cars they
/// can drive.
public struct Customer: Sendable, Equatable, Codable {
    public var name: String
    public var legPower: Int
    public var handPower: Int
    /// The number of the car sold to this customer, if any.
    public var carNumber: Int?

    public init(name: String, legPower: Int, handPower: Int, carNumber: Int? = nil) {
        self.name = name
        self.legPower = legPower
        self.handPower = handPower
        self.carNumber = carNumber
    }

    /// Whether this customer can drive `car`: a pedal engine needs leg power ≥ 5, a hand
    /// engine hand power ≥ 5.
    public func canDrive(_ car: Car) -> Bool {
        switch car.engine {
        case .pedal: legPower >= Car.minimumPower
        case .hand: handPower >= Car.minimumPower
        }
    }
}
