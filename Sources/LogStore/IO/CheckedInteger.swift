import KafkaProtocol

/// A small file holding one non-negative Int64 and its CRC-32C, replaced atomically: the
/// format of the `recovery-point` checkpoint and the producer-id block.
enum CheckedInteger {
    static func write(_ value: Int64, to path: String) throws(LogStoreError) {
        try AtomicFile.write(encoded(value), to: path)
    }

    /// Like `write`, but without the directory sync that makes the rename durable.
    static func replace(_ value: Int64, at path: String) throws(LogStoreError) {
        _ = try AtomicFile.replace(path, with: encoded(value))
    }

    private static func encoded(_ value: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(value)
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// The stored value, or nil when the file is missing, torn or corrupt.
    static func read(from path: String) -> Int64? {
        guard let bytes = LogFile.contents(of: path), bytes.count == 12 else { return nil }
        let value: Int64 = bytes.readBigEndian(at: 0)
        let crc: UInt32 = bytes.readBigEndian(at: 8)
        guard CRC32C.checksum(Array(bytes.prefix(8))) == crc, value >= 0 else { return nil }
        return value
    }
}
