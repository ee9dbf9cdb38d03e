import KafkaProtocol

extension PartitionLog {
    /// ListOffsets' special timestamps.
    public enum OffsetSpec: Sendable, Equatable {
        case earliest
        case latest
        case timestamp(Int64)

        /// Maps Kafka's wire encoding: -2 earliest, -1 latest, else a timestamp in ms.
        public init(kafkaTimestamp: Int64) {
            switch kafkaTimestamp {
            case -2: self = .earliest
            case -1: self = .latest
            default: self = .timestamp(kafkaTimestamp)
            }
        }
    }

    /// The offset ListOffsets answers for `spec`, with the timestamp found (-1 for
    /// earliest/latest). For a timestamp: the first record whose timestamp is ≥ it, or nil
    /// when every record is older. Records below the log start (DeleteRecords can put it
    /// inside a batch) are not candidates. Inside compressed batches the batch's first offset
    /// still kept is returned, since the broker never decompresses.
    public func offset(for spec: OffsetSpec) throws(LogStoreError) -> (offset: Int64, timestamp: Int64)? {
        switch spec {
        case .earliest: return (logStartOffset, -1)
        case .latest: return (highWatermark, -1)
        case let .timestamp(target):
            let (candidates, logStart) = state.withLock { state in
                (state.segments.filter { $0.maxTimestamp >= target }.map { segment in
                    let relative = segment.timeIndex.lookup(before: target)
                    let entry = segment.offsetIndex.lookup(relativeOffset: relative)
                    return (segment, Int64(entry.position), segment.size)
                }, state.logStartOffset)
            }
            for (segment, position, size) in candidates {
                if let found = try segment.firstRecord(atOrAfter: target, from: position, end: size, notBelow: logStart) { return found }
            }
            return nil
        }
    }
}

extension LogSegment {
    /// Scans batches from `position` for the first record with timestamp ≥ `target` and
    /// offset ≥ `floor`.
    func firstRecord(atOrAfter target: Int64, from position: Int64, end: Int64, notBelow floor: Int64 = 0) throws(LogStoreError) -> (offset: Int64, timestamp: Int64)? {
        var from = position
        while true {
            var scanner = BatchScanner(file: log, end: end, validate: false)
            var found: (header: RecordBatchHeader, position: Int64)?
            _ = try scanner.scan(from: from, expectedOffset: baseOffset) { (header, at) throws(LogStoreError) in
                if found == nil, header.maxTimestamp >= target, header.lastOffset >= floor { found = (header, at) }
            }
            guard let (header, at) = found else { return nil }
            // Under LogAppendTime every record of a batch has its append time, `maxTimestamp`.
            guard header.compression == CompressionCodec.none, !header.usesLogAppendTime else {
                return (max(header.baseOffset, floor), header.maxTimestamp)
            }
            let bytes = try log.read(count: header.totalSize, at: at)
            let records = try? bytes.withUnsafeBytes { raw in
                try Record.decodeAll(UnsafeRawBufferPointer(rebasing: raw[RecordBatchHeader.size...]), count: Int(header.recordCount))
            }
            // Timestamps and deltas are the producer's bytes: wrapping arithmetic, as Kafka's
            // `long`s do, so a hostile batch cannot trap the broker.
            for record in records ?? [] where header.firstTimestamp &+ record.timestampDelta >= target
                && header.baseOffset &+ Int64(record.offsetDelta) >= floor {
                return (header.baseOffset &+ Int64(record.offsetDelta), header.firstTimestamp &+ record.timestampDelta)
            }
            // The batch holding the log start may have its late records only below it: look
            // on from the next batch (once: every later batch lies wholly above the start).
            if records != nil, header.baseOffset < floor {
                from = at + Int64(header.totalSize)
                continue
            }
            return (max(header.baseOffset, floor), header.maxTimestamp)
        }
    }
}
