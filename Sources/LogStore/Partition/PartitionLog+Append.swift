import KafkaProtocol

/// The outcome of an append, in the terms a ProduceResponse needs.
public struct AppendResult: Sendable, Equatable {
    /// Offset given to the first record.
    public var baseOffset: Int64
    /// Offset of the last record.
    public var lastOffset: Int64
    /// The partition's log start offset after the append.
    public var logStartOffset: Int64
    /// True when every batch was a retry already in the log (offsets are the originals).
    public var isDuplicate: Bool
    /// The time the batches were stamped with when the topic uses `LogAppendTime`, else -1.
    public var logAppendTimeMs: Int64 = -1

    public init(baseOffset: Int64, lastOffset: Int64, logStartOffset: Int64, isDuplicate: Bool, logAppendTimeMs: Int64 = -1) {
        self.baseOffset = baseOffset
        self.lastOffset = lastOffset
        self.logStartOffset = logStartOffset
        self.isDuplicate = isDuplicate
        self.logAppendTimeMs = logAppendTimeMs
    }
}

/// Record batches that passed `PartitionLog.validate`: where each one lies in the bytes
/// that were checked, and its header. Append them with those same bytes.
public struct ValidatedBatches: Sendable {
    let batches: [(header: RecordBatchHeader, range: Range<Int>)]
    let byteCount: Int
}

extension PartitionLog {
    /// Appends the record batches in `bytes` (whole RecordBatch v2 batches back to back, as
    /// a producer sends them). Validates magic, length, CRC-32C, `lastOffsetDelta` and (in an
    /// uncompressed batch, by walking the length prefixes) the record count,
    /// checks idempotent-producer sequences, then writes the bytes unchanged except for
    /// each batch's base offset (and, under `LogAppendTime`, its timestamp type, max
    /// timestamp and CRC). The data is in the page cache on return; call
    /// `sync(upTo:)` with `lastOffset + 1` when it must be durable.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(LogStoreError) -> AppendResult {
        try append(bytes, validated: validate(bytes))
    }

    /// The checks of `append` that need no lock: framing, CRC-32C (the costly part) and the
    /// size limit. A caller that must append several record sets in a given order validates
    /// them first, concurrently, and then appends them one after another.
    public func validate(_ bytes: UnsafeRawBufferPointer) throws(LogStoreError) -> ValidatedBatches {
        let maximumSize = state.withLock { $0.config.maxMessageBytes }
        let batches: [(header: RecordBatchHeader, range: Range<Int>)]
        do {
            batches = try RecordBatchHeader.validatedBatches(bytes, requireDenseOffsets: true)
        } catch {
            throw .invalidRecord(error)
        }
        guard !batches.isEmpty else { throw .invalidRecord(.truncated(needed: RecordBatchHeader.size, available: 0)) }
        for batch in batches where batch.header.totalSize > maximumSize {
            throw .messageTooLarge(size: batch.header.totalSize, limit: maximumSize)
        }
        return ValidatedBatches(batches: batches, byteCount: bytes.count)
    }

    /// Appends record batches that `validate` accepted; `bytes` must be the bytes it checked.
    public func append(_ bytes: UnsafeRawBufferPointer, validated: ValidatedBatches) throws(LogStoreError) -> AppendResult {
        precondition(bytes.count == validated.byteCount, "append(_:validated:) with other bytes than were validated")
        let now = clock()
        return try state.withLock { (state) throws(LogStoreError) -> AppendResult in
            guard !state.closed else { throw LogStoreError.closed }
            if let failure = state.storageFailure { throw failure }
            return try appendLocked(bytes, batches: validated.batches, now: now, state: &state)
        }
    }

    /// Convenience for callers holding an array.
    public func append(_ bytes: [UInt8]) throws(LogStoreError) -> AppendResult {
        try bytes.withBytes { raw throws(LogStoreError) in try append(raw) }
    }

    private func appendLocked(
        _ bytes: UnsafeRawBufferPointer,
        batches: [(header: RecordBatchHeader, range: Range<Int>)],
        now: Int64,
        state: inout State
    ) throws(LogStoreError) -> AppendResult {
        // Decide every batch first, so a bad sequence in the middle rejects the whole set.
        var producers = state.producers
        var toWrite: [(header: RecordBatchHeader, range: Range<Int>)] = []
        var first: Int64?
        var last: Int64 = -1
        var duplicateAppendTime: Int64 = -1
        var nextOffset = state.nextOffset
        let stampAppendTime = state.config.timestampType == .logAppendTime
        for (header, range) in batches {
            switch try producers.check(header) {
            case let .duplicate(original):
                first = first ?? original.firstOffset
                last = max(last, original.lastOffset)
                duplicateAppendTime = original.maxTimestamp
            case .append:
                var assigned = header
                assigned.baseOffset = nextOffset
                if stampAppendTime { assigned.stampLogAppendTime(now) }
                nextOffset = assigned.lastOffset + 1
                producers.record(assigned)
                toWrite.append((assigned, range))
                first = first ?? assigned.baseOffset
                last = assigned.lastOffset
            }
        }
        guard !toWrite.isEmpty else {
            // A retry is answered with the append time its original got, as Kafka does.
            return AppendResult(baseOffset: first ?? -1, lastOffset: last,
                                logStartOffset: state.logStartOffset, isDuplicate: true,
                                logAppendTimeMs: stampAppendTime ? duplicateAppendTime : -1)
        }
        let incoming = toWrite.reduce(0) { $0 + $1.header.totalSize }
        try rollIfNeeded(incomingBytes: incoming, lastOffset: nextOffset - 1, now: now, state: &state)
        state.active.reserveSpace(for: incoming, limit: state.config.segmentBytes)
        try write(toWrite, from: bytes, to: state.active, indexInterval: state.config.indexIntervalBytes,
                  rewritingHeaders: stampAppendTime)
        state.producers = producers
        requestWriteCacheTrimLocked(state: &state)
        if !state.active.hasUnsyncedData {
            state.active.hasUnsyncedData = true
            state.dirtySegments.append(state.active)
        }
        if state.oldestUnflushedAppendMs == nil { state.oldestUnflushedAppendMs = now }
        return AppendResult(baseOffset: first ?? toWrite[0].header.baseOffset, lastOffset: last,
                            logStartOffset: state.logStartOffset, isDuplicate: false,
                            logAppendTimeMs: stampAppendTime ? now : -1)
    }

    /// One positioned gather-write: for each batch, its new 8-byte base offset followed by
    /// the producer's bytes from byte 8 on, or, when `rewritingHeaders`, its whole new
    /// 61-byte header (with a CRC over the new attributes and timestamp) followed by the
    /// records. Nothing is copied here (`LogFile` may stage a piece the kernel would copy
    /// slowly).
    private func write(_ batches: [(header: RecordBatchHeader, range: Range<Int>)],
                       from bytes: UnsafeRawBufferPointer, to segment: LogSegment,
                       indexInterval: Int, rewritingHeaders: Bool) throws(LogStoreError) {
        let start = segment.size
        let prefixSize = rewritingHeaders ? RecordBatchHeader.size : 8
        var prefixes = [UInt8](repeating: 0, count: batches.count * prefixSize)
        prefixes.withUnsafeMutableBytes { prefixBytes in
            for (index, batch) in batches.enumerated() {
                let prefix = UnsafeMutableRawBufferPointer(rebasing: prefixBytes[(index * prefixSize)..<((index + 1) * prefixSize)])
                if rewritingHeaders {
                    var header = batch.header
                    header.crc = header.checksum(records: UnsafeRawBufferPointer(
                        rebasing: bytes[(batch.range.lowerBound + RecordBatchHeader.size)..<batch.range.upperBound]))
                    header.write(to: prefix)
                } else {
                    prefix.storeBytes(of: batch.header.baseOffset.bigEndian, as: Int64.self)
                }
            }
        }
        let result = prefixes.withUnsafeBytes { prefixBytes in
            var pieces: [UnsafeRawBufferPointer] = []
            pieces.reserveCapacity(batches.count * 2)
            for (index, batch) in batches.enumerated() {
                pieces.append(UnsafeRawBufferPointer(rebasing: prefixBytes[(index * prefixSize)..<((index + 1) * prefixSize)]))
                pieces.append(UnsafeRawBufferPointer(rebasing: bytes[(batch.range.lowerBound + prefixSize)..<batch.range.upperBound]))
            }
            return Result { () throws(LogStoreError) in try segment.log.write(pieces: pieces, at: start) }
        }
        do {
            try result.get()
        } catch {
            // A short write (ENOSPC, EIO) must not leave half a batch where the next goes.
            try? segment.cutLog(to: start)
            throw error
        }
        var position = start
        for batch in batches {
            segment.didAppend(batch.header, at: position, indexInterval: indexInterval)
            position += Int64(batch.header.totalSize)
        }
    }

    /// Starts a new segment when the active one would outgrow `segment.bytes`, is older than
    /// `segment.ms`, or its relative offsets would overflow 32 bits.
    func rollIfNeeded(incomingBytes: Int, lastOffset: Int64, now: Int64, state: inout State) throws(LogStoreError) {
        let active = state.active
        guard active.size > 0 else { return }
        let tooBig = active.size + Int64(incomingBytes) > state.config.segmentBytes
        let tooOld = now - active.createdAtMs >= state.config.segmentMs
        let offsetOverflow = lastOffset - active.baseOffset > Int64(UInt32.max)
        guard tooBig || tooOld || offsetOverflow else { return }
        try roll(state: &state, now: now)
    }

    /// Closes the active segment for appends and opens a new one at the log end offset. The
    /// old segment's fsync, indexes and the producer snapshot are written by the flusher.
    func roll(state: inout State, now: Int64) throws(LogStoreError) {
        let old = state.active
        let segment = try LogSegment(directory: directory, baseOffset: old.nextOffset, nowMs: now)
        old.releaseReservedSpace()
        state.segments.append(segment)
        state.rolledSegments.append(old)
        if !old.hasUnsyncedData {
            old.hasUnsyncedData = true
            state.dirtySegments.append(old)
        }
        state.directoryDirty = true
        state.pendingSnapshots.append((segment.baseOffset, state.producers.encoded()))
        scheduleFlushLocked(state: &state)
    }
}
