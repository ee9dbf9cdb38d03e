/// Input the shop refuses, with the message the CLI prints.
public enum CarShopError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case negativePower(String, Int)
    case duplicateCustomer(String)
    case invalidPedalSize(Int)
    case storage(String)

    public var description: String {
        switch self {
        case let .invalidName(name): "customer name '\(name)' must not be empty"
        case let .negativePower(which, value): "\(which) power must be 0 or more, got \(value)"
        case let .duplicateCustomer(name): "a customer named '\(name)' already exists"
        case let .invalidPedalSize(size): "pedal size must be greater than 0, got \(size)"
        case let .storage(message): "storage error: \(message)"
        }
    }
}
