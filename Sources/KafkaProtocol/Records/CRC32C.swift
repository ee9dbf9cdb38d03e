import CCRC32C

/// CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2.
public enum CRC32C {
    /// The checksum of `bytes`, optionally continuing from an earlier `crc`.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return tributary_crc32c(crc, base, bytes.count)
    }

    /// The checksum of `bytes` and, from the same pass, how many length-prefixed records
    /// (RecordBatch v2: a zig-zag varint length, then that many bytes) fill
    /// `bytes[recordsFrom...]` exactly; nil if a length is malformed, negative or runs past
    /// the end.
    public static func checksumCountingRecords(_ bytes: UnsafeRawBufferPointer, recordsFrom: Int) -> (crc: UInt32, records: Int?) {
        guard recordsFrom >= 0, recordsFrom <= bytes.count else { return (checksum(bytes), nil) }
        guard let base = bytes.baseAddress else { return (0, 0) }  // empty: no records
        var crc: UInt32 = 0
        let records = tributary_crc32c_count_records(&crc, base, bytes.count, recordsFrom)
        return (crc, records < 0 ? nil : Int(records))
    }

    /// The checksum of a byte collection with contiguous storage.
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
