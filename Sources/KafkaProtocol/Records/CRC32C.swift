import CCRC32C

/// CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2.
public enum CRC32C {
    /// The checksum of `bytes`, optionally continuing from an earlier `crc`.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return tributary_crc32c(crc, base, bytes.count)
    }

    /// The checksum of a byte collection with contiguous storage.
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
