import KafkaProtocol

/// Walks the record batches of a segment file through a read-ahead window, so recovery and
/// index rebuilds cost one `pread` per megabyte rather than one per batch.
struct BatchScanner {
    /// Why a scan stopped before the end of the range.
    enum Stop: Equatable {
        case end
        case corrupt(position: Int64, reason: String)
    }

    let file: LogFile
    let end: Int64
    /// Validate CRC, magic and dense offsets (recovery), or trust headers (clean open).
    let validate: Bool

    private var window: [UInt8] = []
    private var windowStart: Int64 = 0
    private static let windowSize = 1 << 20

    init(file: LogFile, end: Int64, validate: Bool) {
        self.file = file
        self.end = end
        self.validate = validate
    }

    /// Calls `body` with each batch header and its file position, starting at `start` and
    /// expecting offsets to begin at `expectedOffset` or later. Returns where the valid data ends.
    mutating func scan(
        from start: Int64,
        expectedOffset: Int64,
        _ body: (RecordBatchHeader, Int64) throws(LogStoreError) -> Void
    ) throws(LogStoreError) -> (validEnd: Int64, stop: Stop) {
        var position = start
        var nextOffset = expectedOffset
        while position < end {
            let remaining = end - position
            guard remaining >= Int64(RecordBatchHeader.size) else {
                return (position, .corrupt(position: position, reason: "torn batch header (\(remaining) bytes)"))
            }
            try ensureWindow(covers: position, count: RecordBatchHeader.size)
            let header = headerInWindow(at: position)
            // No cap from today's config: a batch written under a larger max.message.bytes is
            // still valid. A garbage length is caught by the CRC, checked in 1 MiB pieces.
            let total = Int64(header.batchLength) + Int64(RecordBatchHeader.logOverhead)
            guard header.batchLength >= RecordBatchHeader.minimumBatchLength else {
                return (position, .corrupt(position: position, reason: "impossible batch length \(header.batchLength)"))
            }
            guard total <= remaining else {
                return (position, .corrupt(position: position, reason: "torn batch: \(total) bytes declared, \(remaining) present"))
            }
            if validate {
                if let reason = try invalidReason(at: position, total: Int(total), header: header, expectedOffset: nextOffset) {
                    return (position, .corrupt(position: position, reason: reason))
                }
            }
            try body(header, position)
            nextOffset = header.lastOffset &+ 1
            position += total
        }
        return (position, .end)
    }

    private mutating func invalidReason(at position: Int64, total: Int, header: RecordBatchHeader, expectedOffset: Int64) throws(LogStoreError) -> String? {
        // This store writes offsets densely, and the CRC does not cover the base offset, so
        // any other value is corruption.
        if header.baseOffset != expectedOffset {
            return "offset \(header.baseOffset) does not follow \(expectedOffset - 1)"
        }
        let check: (UnsafeRawBufferPointer) -> String? = { bytes in
            do throws(RecordBatchError) {
                _ = try RecordBatchHeader.validated(bytes)
                return nil
            } catch {
                return error.description
            }
        }
        if total <= Self.windowSize {
            try ensureWindow(covers: position, count: total)
            let from = Int(position - windowStart)
            return window.withUnsafeBytes { check(UnsafeRawBufferPointer(rebasing: $0[from..<(from + total)])) }
        }
        return try streamedInvalidReason(at: position, total: total, header: header)
    }

    /// `RecordBatchHeader.validated` for a batch larger than the window, reading it a window
    /// at a time so a garbage length cannot make recovery allocate gigabytes.
    private func streamedInvalidReason(at position: Int64, total: Int, header: RecordBatchHeader) throws(LogStoreError) -> String? {
        guard header.magic == 2 else { return RecordBatchError.unsupportedMagic(header.magic).description }
        var crc: UInt32 = 0
        var offset = RecordBatchHeader.Offset.attributes
        while offset < total {
            let chunk = try file.read(count: min(Self.windowSize, total - offset), at: position + Int64(offset))
            crc = chunk.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
            offset += chunk.count
        }
        do throws(RecordBatchError) {
            try header.verify(checksum: crc)
            return nil
        } catch {
            return error.description
        }
    }

    private mutating func ensureWindow(covers position: Int64, count: Int) throws(LogStoreError) {
        if position >= windowStart, position + Int64(count) <= windowStart + Int64(window.count) { return }
        let length = Int(min(Int64(Self.windowSize), end - position))
        window = try file.read(count: max(length, count), at: position)
        windowStart = position
    }

    private func headerInWindow(at position: Int64) -> RecordBatchHeader {
        let from = Int(position - windowStart)
        return window.withUnsafeBytes { raw in
            // ensureWindow guaranteed 61 bytes, so the initialiser cannot fail here.
            RecordBatchHeader(bytes: UnsafeRawBufferPointer(rebasing: raw[from...]))
                ?? RecordBatchHeader(baseOffset: -1, batchLength: -1, lastOffsetDelta: -1, firstTimestamp: -1, maxTimestamp: -1, recordCount: -1)
        }
    }
}
