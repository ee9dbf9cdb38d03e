/// Why a request frame could not be decoded. The broker answers none of these: it closes
/// the connection, as Kafka does with a malformed frame.
public enum KafkaProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The frame ended before a field did.
    case truncated(field: String)
    /// A length or count that cannot be right (negative, or more than the bytes left).
    case invalidLength(field: String, length: Int)
    /// A string that is not UTF-8.
    case invalidString(field: String)
    /// An API key this broker does not implement.
    case unknownApiKey(Int16)
    /// A version outside the supported range of a known API.
    case unsupportedVersion(apiKey: Int16, version: Int16)

    public var description: String {
        switch self {
        case let .truncated(field): "frame truncated in \(field)"
        case let .invalidLength(field, length): "invalid length \(length) for \(field)"
        case let .invalidString(field): "\(field) is not valid UTF-8"
        case let .unknownApiKey(key): "unknown API key \(key)"
        case let .unsupportedVersion(key, version): "API key \(key) version \(version) is not supported"
        }
    }
}
