/// Kafka's rules for topic names: 1–249 characters of `[a-zA-Z0-9._-]`, and not `.` or `..`.
public enum TopicName {
    /// The longest legal name.
    public static let maximumLength = 249

    /// Throws `invalidTopicName` with the reason when `name` breaks a rule.
    public static func validate(_ name: String) throws(LogStoreError) {
        if name.isEmpty { throw .invalidTopicName(name, reason: "empty") }
        if name == "." || name == ".." { throw .invalidTopicName(name, reason: "'.' and '..' are reserved") }
        if name.utf8.count > maximumLength {
            throw .invalidTopicName(name, reason: "longer than \(maximumLength) characters")
        }
        for byte in name.utf8 where !isLegal(byte) {
            throw .invalidTopicName(name, reason: "only [a-zA-Z0-9._-] are allowed")
        }
    }

    private static func isLegal(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
