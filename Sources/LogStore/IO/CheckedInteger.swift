import KafkaProtocol

/// A small file holding one non-negative Int64 and its CRC-32C, replaced atomically: the
/// format of the `recovery-point` checkpoint and the producer-id block.
enum CheckedInteger {
    static func write(_ value: Int64, to path: String) throws(LogStoreError) {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(value)
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        try AtomicFile.write(bytes, to: path)
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
