import KafkaProtocol

/// Idempotent-producer bookkeeping for one partition (KIP-98): each producer's epoch and
/// the last five batches it wrote, so a retried batch gets its original offset back and a
/// gap in sequence numbers is refused.
///
/// The log itself is the write-ahead log of this state: batch headers carry producer id,
/// epoch and sequence. Snapshots (see `ProducerStateSnapshot`) only bound how much of the
/// log a restart must re-read.
struct ProducerStateManager: Sendable, Equatable {
    /// How many batches per producer are remembered for duplicate detection (Kafka: 5).
    static let retainedBatches = 5

    struct BatchMetadata: Sendable, Equatable {
        var firstSequence: Int32
        var lastSequence: Int32
        var firstOffset: Int64
        var lastOffset: Int64
        /// The batch's `maxTimestamp` as stored: on a `LogAppendTime` topic, its append time,
        /// which a retry of it is answered with (Kafka's `BatchMetadata.timestamp`).
        var maxTimestamp: Int64
    }

    struct Entry: Sendable, Equatable {
        var epoch: Int16
        var batches: [BatchMetadata]
    }

    /// What to do with an incoming batch.
    enum Decision: Equatable {
        case append
        /// A retry of a batch already in the log; answer with its original offsets.
        case duplicate(BatchMetadata)
    }

    private(set) var producers: [Int64: Entry] = [:]

    /// Decides whether `header` (offsets not yet assigned) may be appended.
    func check(_ header: RecordBatchHeader) throws(LogStoreError) -> Decision {
        guard header.producerId >= 0, header.baseSequence >= 0 else { return .append }
        guard let entry = producers[header.producerId] else { return .append }
        if header.producerEpoch < entry.epoch {
            throw .invalidProducerEpoch(producerId: header.producerId, current: entry.epoch, received: header.producerEpoch)
        }
        if header.producerEpoch > entry.epoch {
            guard header.baseSequence == 0 else {
                throw .outOfOrderSequence(producerId: header.producerId, expected: 0, received: header.baseSequence)
            }
            return .append
        }
        if let original = entry.batches.first(where: {
            $0.firstSequence == header.baseSequence && $0.lastSequence == header.lastSequence
        }) {
            return .duplicate(original)
        }
        guard let last = entry.batches.last else { return .append }
        let expected = last.lastSequence == Int32.max ? 0 : last.lastSequence + 1
        guard header.baseSequence == expected else {
            throw .outOfOrderSequence(producerId: header.producerId, expected: expected, received: header.baseSequence)
        }
        return .append
    }

    /// Remembers a batch that is now in the log with its final offsets.
    mutating func record(_ header: RecordBatchHeader) {
        guard header.producerId >= 0, header.baseSequence >= 0 else { return }
        let batch = BatchMetadata(firstSequence: header.baseSequence, lastSequence: header.lastSequence,
                                  firstOffset: header.baseOffset, lastOffset: header.lastOffset,
                                  maxTimestamp: header.maxTimestamp)
        var entry = producers[header.producerId] ?? Entry(epoch: header.producerEpoch, batches: [])
        if header.producerEpoch != entry.epoch {
            entry = Entry(epoch: header.producerEpoch, batches: [])
        }
        entry.batches.append(batch)
        if entry.batches.count > Self.retainedBatches { entry.batches.removeFirst(entry.batches.count - Self.retainedBatches) }
        producers[header.producerId] = entry
    }

    /// Forgets producers whose newest batch is older than `cutoff` (Kafka's
    /// `producer.id.expiration.ms`): every short-lived idempotent producer would otherwise
    /// stay in memory and in every snapshot for ever. A batch without a timestamp (-1)
    /// never expires its producer. Returns how many were forgotten.
    mutating func expire(olderThan cutoff: Int64) -> Int {
        let before = producers.count
        producers = producers.filter { _, entry in
            guard let newest = entry.batches.map(\.maxTimestamp).max(), newest >= 0 else { return true }
            return newest >= cutoff
        }
        return before - producers.count
    }

    /// Forgets batches at or beyond `offset` (the log was truncated there).
    mutating func truncate(from offset: Int64) {
        for (id, var entry) in producers {
            entry.batches.removeAll { $0.lastOffset >= offset }
            producers[id] = entry.batches.isEmpty ? nil : entry
        }
    }
}

extension ProducerStateManager {
    /// Snapshot format 2 added each batch's `maxTimestamp`; format 1 files still load.
    private static let magic1 = Array("TPS1".utf8), magic2 = Array("TPS2".utf8)

    /// Snapshot bytes: magic, entries, and a CRC-32C trailer that rejects a torn file.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = Self.magic2
        bytes.appendBigEndian(Int32(producers.count))
        for (id, entry) in producers.sorted(by: { $0.key < $1.key }) {
            bytes.appendBigEndian(id)
            bytes.appendBigEndian(entry.epoch)
            bytes.appendBigEndian(Int32(entry.batches.count))
            for batch in entry.batches {
                bytes.appendBigEndian(batch.firstSequence)
                bytes.appendBigEndian(batch.lastSequence)
                bytes.appendBigEndian(batch.firstOffset)
                bytes.appendBigEndian(batch.lastOffset)
                bytes.appendBigEndian(batch.maxTimestamp)
            }
        }
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Decodes a snapshot, or nil when it is torn or corrupt.
    static func decode(_ bytes: [UInt8]) -> ProducerStateManager? {
        guard bytes.count >= 12 else { return nil }
        let hasTimestamps: Bool
        switch Array(bytes.prefix(4)) {
        case magic1: hasTimestamps = false
        case magic2: hasTimestamps = true
        default: return nil
        }
        let body = bytes.dropLast(4)
        let crc: UInt32 = bytes.readBigEndian(at: bytes.count - 4)
        guard CRC32C.checksum(Array(body)) == crc else { return nil }
        var reader = ByteReader(bytes: Array(body), position: 4)
        var state = ProducerStateManager()
        guard let count: Int32 = reader.read(), count >= 0 else { return nil }
        for _ in 0..<count {
            guard let id: Int64 = reader.read(), let epoch: Int16 = reader.read(),
                  let batchCount: Int32 = reader.read(), (0...Int32(retainedBatches)).contains(batchCount)
            else { return nil }
            var entry = Entry(epoch: epoch, batches: [])
            for _ in 0..<batchCount {
                guard let first: Int32 = reader.read(), let last: Int32 = reader.read(),
                      let firstOffset: Int64 = reader.read(), let lastOffset: Int64 = reader.read()
                else { return nil }
                var maxTimestamp: Int64 = -1
                if hasTimestamps {
                    guard let stored: Int64 = reader.read() else { return nil }
                    maxTimestamp = stored
                }
                entry.batches.append(BatchMetadata(firstSequence: first, lastSequence: last, firstOffset: firstOffset,
                                                   lastOffset: lastOffset, maxTimestamp: maxTimestamp))
            }
            state.producers[id] = entry
        }
        return reader.position == body.count ? state : nil
    }
}

/// Bounds-checked big-endian reads over a byte array, for the store's own small files.
struct ByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func read<T: FixedWidthInteger>() -> T? {
        let size = MemoryLayout<T>.size
        guard position >= 0, bytes.count - position >= size else { return nil }
        let value: T = bytes.readBigEndian(at: position)
        position += size
        return value
    }

    mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - position >= count else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func readString() -> String? {
        guard let length: Int32 = read(), let raw = readBytes(Int(length)) else { return nil }
        return String(decoding: raw, as: UTF8.self)
    }
}

extension [UInt8] {
    mutating func appendString(_ string: String) {
        let utf8 = Array(string.utf8)
        appendBigEndian(Int32(utf8.count))
        append(contentsOf: utf8)
    }
}
