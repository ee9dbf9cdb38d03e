/// A car in the shop, numbered in the order it was added.
public struct Car: Sendable, Equatable, Codable {
    /// Power a customer needs for either engine.
    public static let minimumPower = 5

    public enum Engine: Sendable, Equatable, Codable {
        case pedal(size: Int)
        case hand

        public var name: String {
            switch self {
            case .pedal: "pedal"
            case .hand: "hand"
            }
        }
    }

    public var number: Int
    public var engine: Engine
    /// Who bought it, if anyone.
    public var owner: String?

    public init(number: Int, engine: Engine, owner: String? = nil) {
        self.number = number
        self.engine = engine
        self.owner = owner
    }
}
