/// Why a byte range is not a valid RecordBatch v2.
public enum RecordBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes than the header or the declared batch length.
    case truncated(needed: Int, available: Int)
    /// A magic other than 2 (message formats v0/v1 are not stored).
    case unsupportedMagic(Int8)
    /// `batchLength` below the header size or above the allowed maximum.
    case invalidLength(Int32)
    /// The CRC-32C over attributes..end does not match the header.
    case crcMismatch(expected: UInt32, actual: UInt32)
    /// `lastOffsetDelta` disagrees with `recordCount`.
    case invalidOffsetDelta(lastOffsetDelta: Int32, recordCount: Int32)
    /// An uncompressed batch whose records, walked by their length prefixes, are not
    /// `recordCount` records filling the batch exactly (`found` is nil when a length prefix
    /// is malformed or runs past the end).
    case recordCountMismatch(recordCount: Int32, found: Int?)

    public var description: String {
        switch self {
        case let .truncated(needed, available): "record batch truncated: need \(needed) bytes, have \(available)"
        case let .unsupportedMagic(magic): "unsupported record batch magic \(magic) (only v2)"
        case let .invalidLength(length): "invalid record batch length \(length)"
        case let .crcMismatch(expected, actual):
            "record batch CRC mismatch: header says \(String(expected, radix: 16)), data has \(String(actual, radix: 16))"
        case let .invalidOffsetDelta(delta, count): "lastOffsetDelta \(delta) does not fit recordCount \(count)"
        case let .recordCountMismatch(count, found?): "the batch declares \(count) records but holds \(found)"
        case let .recordCountMismatch(count, nil): "the batch declares \(count) records but their length prefixes do not fill it"
        }
    }
}

extension RecordBatchHeader {
    /// Reads and validates the batch that starts at `bytes[0]`: size, magic, CRC-32C and,
    /// when `requireDenseOffsets` (batches straight from a producer), that
    /// `lastOffsetDelta == recordCount - 1` and, for an uncompressed batch, that it holds
    /// `recordCount` records (their length prefixes are walked, nothing more is decoded), as
    /// Kafka's `LogValidator` refuses a batch whose count and records disagree.
    ///
    /// - Parameter maximumSize: the largest total batch size accepted (`message.max.bytes`).
    public static func validated(
        _ bytes: UnsafeRawBufferPointer,
        maximumSize: Int = Int(Int32.max),
        requireDenseOffsets: Bool = false
    ) throws(RecordBatchError) -> RecordBatchHeader {
        guard let header = RecordBatchHeader(bytes: bytes) else {
            throw .truncated(needed: size, available: bytes.count)
        }
        guard header.batchLength >= minimumBatchLength,
              Int(header.batchLength) <= maximumSize - logOverhead
        else { throw .invalidLength(header.batchLength) }
        guard header.magic == 2 else { throw .unsupportedMagic(header.magic) }
        let total = header.totalSize
        guard bytes.count >= total else { throw .truncated(needed: total, available: bytes.count) }
        let covered = UnsafeRawBufferPointer(rebasing: bytes[Offset.attributes..<total])
        let countsRecords = requireDenseOffsets && header.compression == CompressionCodec.none
        let (checksum, found) = countsRecords
            ? CRC32C.checksumCountingRecords(covered, recordsFrom: size - Offset.attributes)
            : (CRC32C.checksum(covered), nil)
        try header.verify(checksum: checksum)
        if requireDenseOffsets, header.recordCount == 0 || header.lastOffsetDelta != header.recordCount - 1 {
            throw .invalidOffsetDelta(lastOffsetDelta: header.lastOffsetDelta, recordCount: header.recordCount)
        }
        if countsRecords, found != Int(header.recordCount) {
            throw .recordCountMismatch(recordCount: header.recordCount, found: found)
        }
        return header
    }

    /// The checks after framing and magic: `checksum` (the CRC-32C from `attributes` to the
    /// batch's end, which a caller may compute piece by piece) must match, and the offset
    /// fields it covers must make sense.
    public func verify(checksum actual: UInt32) throws(RecordBatchError) {
        guard actual == crc else { throw .crcMismatch(expected: crc, actual: actual) }
        guard lastOffsetDelta >= 0, recordCount >= 0 else {
            throw .invalidOffsetDelta(lastOffsetDelta: lastOffsetDelta, recordCount: recordCount)
        }
    }

    /// Validates every batch in `bytes`, which must hold whole batches back to back.
    /// Returns each batch's header and its byte range.
    public static func validatedBatches(
        _ bytes: UnsafeRawBufferPointer,
        maximumSize: Int = Int(Int32.max),
        requireDenseOffsets: Bool = false
    ) throws(RecordBatchError) -> [(header: RecordBatchHeader, range: Range<Int>)] {
        var result: [(header: RecordBatchHeader, range: Range<Int>)] = []
        var position = 0
        while position < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            let header = try validated(rest, maximumSize: maximumSize, requireDenseOffsets: requireDenseOffsets)
            result.append((header, position..<(position + header.totalSize)))
            position += header.totalSize
        }
        return result
    }
}
