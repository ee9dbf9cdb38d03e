import KafkaProtocol

/// The `recovery-point` checkpoint: the offset below which the partition's data, indexes and
/// directory entries were fsync'd. Recovery after a crash re-validates only what follows.
enum RecoveryPoint {
    static let fileName = "recovery-point"

    static func write(_ offset: Int64, directory: String) throws(LogStoreError) {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(offset)
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        try AtomicFile.write(bytes, to: directory + "/" + fileName)
    }

    /// The checkpointed offset, or 0 when the file is missing or corrupt (recover everything).
    static func read(directory: String) -> Int64 {
        guard let bytes = LogSegment.readWhole(directory + "/" + fileName), bytes.count == 12 else { return 0 }
        let offset: Int64 = bytes.readBigEndian(at: 0)
        let crc: UInt32 = bytes.readBigEndian(at: 8)
        guard CRC32C.checksum(Array(bytes.prefix(8))) == crc, offset >= 0 else { return 0 }
        return offset
    }
}
