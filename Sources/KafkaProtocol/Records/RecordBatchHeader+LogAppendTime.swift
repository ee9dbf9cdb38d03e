extension RecordBatchHeader {
    /// Marks the batch as carrying the broker's append time: sets the LogAppendTime
    /// attribute bit and `maxTimestamp`, as Kafka does for a `LogAppendTime` topic. Record
    /// timestamps are left alone; readers take `maxTimestamp` for every record. The CRC
    /// must then be recomputed (`checksum(records:)`), since it covers both fields.
    public mutating func stampLogAppendTime(_ timestampMs: Int64) {
        attributes |= 0x08
        maxTimestamp = timestampMs
    }

    /// The CRC-32C of this header's fields from `attributes` on, continued over `records`
    /// (the bytes that follow the 61-byte header): what the `crc` field must hold.
    public func checksum(records: UnsafeRawBufferPointer) -> UInt32 {
        withUnsafeTemporaryAllocation(byteCount: Self.size, alignment: 8) { scratch in
            write(to: scratch)
            let covered = UnsafeRawBufferPointer(rebasing: scratch[Offset.attributes...])
            return CRC32C.checksum(records, continuing: CRC32C.checksum(covered))
        }
    }
}
