import KafkaProtocol
import Synchronization

/// A partition of a topic.
public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    public var description: String { "\(topic)-\(partition)" }
}

/// An offset a consumer group committed for one partition.
public struct CommittedOffset: Sendable, Equatable {
    public var offset: Int64
    public var leaderEpoch: Int32
    public var metadata: String?
    public var commitTimestamp: Int64
    public init(offset: Int64, leaderEpoch: Int32 = -1, metadata: String? = nil, commitTimestamp: Int64) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestamp = commitTimestamp
    }
}

/// Committed consumer-group offsets: an append-only journal (`offsets.log`) of CRC-framed
/// records, fsync'd before `commit` returns, replayed on open up to the first torn record,
/// and compacted when it has grown well past its live contents.
///
/// Two locks, taken in this order: `journal` serialises the writes to the file and is held
/// through a compaction's file I/O; `offsets` guards the map and is never held across I/O,
/// so readers (OffsetFetch on an event loop, the group coordinator) never wait for the disk.
public final class GroupOffsetStore: Sendable {
    let path: String
    private let journal: Mutex<Journal>
    private let offsets: Mutex<[String: [TopicPartition: CommittedOffset]]>

    struct Journal: ~Copyable {
        var file: LogFile
        var size: Int64
        /// Set when a compaction left the journal's durability in doubt; commits then fail
        /// until a restart replays whichever file the directory really holds.
        var failure: LogStoreError?
    }

    init(directory: String) throws(LogStoreError) {
        try LogStore.makeDirectory(directory)
        path = directory + "/offsets.log"
        let file = try LogFile(path: path)
        let (offsets, validEnd) = try OffsetJournal.replay(file)
        if try file.size() != validEnd { try file.truncate(to: validEnd) }
        try AtomicFile.syncDirectory(directory)
        journal = Mutex(Journal(file: file, size: validEnd))
        self.offsets = Mutex(offsets)
        try compactIfWorthIt()
    }

    /// Records the offsets and returns once they are on stable storage.
    public func commit(group: String, offsets committed: [TopicPartition: CommittedOffset]) throws(LogStoreError) {
        guard !committed.isEmpty else { return }
        let record = OffsetJournal.frame(OffsetJournal.encodeCommit(group: group, offsets: committed))
        let file = try journal.withLock { (journal) throws(LogStoreError) -> LogFile in
            if let failure = journal.failure { throw failure }
            try journal.append(record)
            // Still in the journal's turn, so the map changes in the journal's order.
            offsets.withLock { $0[group, default: [:]].merge(committed) { $1 } }
            return journal.file
        }
        try file.syncData()
    }

    /// The group's committed offset for one partition.
    public func committed(group: String, _ partition: TopicPartition) -> CommittedOffset? {
        offsets.withLock { $0[group]?[partition] }
    }

    /// Every committed offset of a group.
    public func committed(group: String) -> [TopicPartition: CommittedOffset] {
        offsets.withLock { $0[group] ?? [:] }
    }

    /// Whether the group has any committed offset, without copying them (the coordinator
    /// asks this of every empty group ten times a second).
    public func hasCommits(group: String) -> Bool {
        offsets.withLock { !($0[group]?.isEmpty ?? true) }
    }

    /// Groups that have committed offsets.
    public func groups() -> [String] {
        offsets.withLock { Array($0.keys) }.sorted()
    }

    /// Forgets a group's offsets (DeleteGroups), durably. With `unlessCommittedSince`, only
    /// if no commit is that recent, decided in the journal's turn (offset expiry must not
    /// take a commit that just arrived). Returns whether the offsets went.
    @discardableResult
    public func deleteGroup(_ group: String, unlessCommittedSince cutoff: Int64? = nil) throws(LogStoreError) -> Bool {
        let record = OffsetJournal.frame(OffsetJournal.encodeDelete(group: group))
        let file = try journal.withLock { (journal) throws(LogStoreError) -> LogFile? in
            if let cutoff, offsets.withLock({ $0[group]?.values.contains { $0.commitTimestamp >= cutoff } == true }) { return nil }
            try journal.append(record)
            offsets.withLock { $0[group] = nil }
            return journal.file
        }
        guard let file else { return false }
        try file.syncData()
        return true
    }

    /// Forgets every group's offsets for a deleted topic, durably, so a topic created later
    /// under the same name starts without them (Kafka's `onPartitionsDeleted`).
    public func deleteTopic(_ topic: String) throws(LogStoreError) {
        let record = OffsetJournal.frame(OffsetJournal.encodeDeleteTopic(topic))
        let file = try journal.withLock { (journal) throws(LogStoreError) -> LogFile? in
            guard offsets.withLock({ $0.values.contains { $0.keys.contains { $0.topic == topic } } }) else { return nil }
            try journal.append(record)
            offsets.withLock { OffsetJournal.forget(topic: topic, in: &$0) }
            return journal.file
        }
        try file?.syncData()
    }

    func close() throws(LogStoreError) {
        try journal.withLock { (journal) throws(LogStoreError) in try journal.file.syncData() }
    }

    /// Rewrites the journal as one record per group when it is mostly superseded commits:
    /// a new file, fsync'd and renamed over the old one. Until the rename the old journal
    /// stays in use; after it the new one is, and a failure to make the rename durable stops
    /// commits (a power cut could bring back the old file without them). Writers wait for
    /// the rewrite; readers of the offsets do not.
    func compactIfWorthIt() throws(LogStoreError) {
        try journal.withLock { (journal) throws(LogStoreError) in
            if let failure = journal.failure { throw failure }
            guard journal.size > 64 << 10 else { return }
            // Writers wait for the journal's turn, so the map stays what the journal says.
            let live = offsets.withLock { $0 }
            var compacted: [UInt8] = []
            for (group, groupOffsets) in live.sorted(by: { $0.key < $1.key }) where !groupOffsets.isEmpty {
                compacted += OffsetJournal.frame(OffsetJournal.encodeCommit(group: group, offsets: groupOffsets))
            }
            guard journal.size > Int64(compacted.count) * 4 else { return }
            journal.file = try AtomicFile.replace(path, with: compacted)
            journal.size = Int64(compacted.count)
            do throws(LogStoreError) {
                try AtomicFile.syncDirectory(containing: path)
            } catch {
                journal.failure = .storageFailed(storage: "the group offsets journal", reason: "compaction: \(error)")
                throw error
            }
        }
    }
}

extension GroupOffsetStore.Journal {
    /// Writes `record` at the journal's end.
    mutating func append(_ record: [UInt8]) throws(LogStoreError) {
        try record.withBytes { raw throws(LogStoreError) in try file.write(raw, at: size) }
        size += Int64(record.count)
    }
}

/// The journal's record format: `length u32 · crc32c u32 · payload`, payload
/// `kind u8 · group · entries`.
enum OffsetJournal {
    static let commitKind: UInt8 = 1
    static let deleteKind: UInt8 = 2
    /// A deleted topic: its name sits where the other kinds have the group.
    static let deleteTopicKind: UInt8 = 3

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(UInt32(payload.count))
        bytes.appendBigEndian(CRC32C.checksum(payload))
        return bytes + payload
    }

    static func encodeCommit(group: String, offsets: [TopicPartition: CommittedOffset]) -> [UInt8] {
        var bytes: [UInt8] = [commitKind]
        bytes.appendString(group)
        bytes.appendBigEndian(Int32(offsets.count))
        for (partition, committed) in offsets.sorted(by: { $0.key < $1.key }) {
            bytes.appendString(partition.topic)
            bytes.appendBigEndian(partition.partition)
            bytes.appendBigEndian(committed.offset)
            bytes.appendBigEndian(committed.leaderEpoch)
            bytes.append(committed.metadata == nil ? 0 : 1)
            bytes.appendString(committed.metadata ?? "")
            bytes.appendBigEndian(committed.commitTimestamp)
        }
        return bytes
    }

    static func encodeDelete(group: String) -> [UInt8] {
        var bytes: [UInt8] = [deleteKind]
        bytes.appendString(group)
        return bytes
    }

    static func encodeDeleteTopic(_ topic: String) -> [UInt8] {
        var bytes: [UInt8] = [deleteTopicKind]
        bytes.appendString(topic)
        return bytes
    }

    static func forget(topic: String, in offsets: inout [String: [TopicPartition: CommittedOffset]]) {
        for (group, committed) in offsets {
            let kept = committed.filter { $0.key.topic != topic }
            offsets[group] = kept.isEmpty ? nil : kept
        }
    }

    /// Replays every intact record; returns the state and where the intact prefix ends.
    static func replay(_ file: LogFile) throws(LogStoreError) -> ([String: [TopicPartition: CommittedOffset]], Int64) {
        let bytes = try file.read(count: Int(try file.size()), at: 0)
        var offsets: [String: [TopicPartition: CommittedOffset]] = [:]
        var reader = ByteReader(bytes: bytes, position: 0)
        var validEnd = 0
        while let length: UInt32 = reader.read(), let crc: UInt32 = reader.read(),
              let payload = reader.readBytes(Int(length)), CRC32C.checksum(payload) == crc,
              apply(payload, to: &offsets) {
            validEnd = reader.position
        }
        return (offsets, Int64(validEnd))
    }

    private static func apply(_ payload: [UInt8], to offsets: inout [String: [TopicPartition: CommittedOffset]]) -> Bool {
        var reader = ByteReader(bytes: payload, position: 0)
        guard let kind: UInt8 = reader.read(), let group = reader.readString() else { return false }
        if kind == deleteKind {
            offsets[group] = nil
            return true
        }
        if kind == deleteTopicKind {
            forget(topic: group, in: &offsets)
            return true
        }
        guard kind == commitKind, let count: Int32 = reader.read(), count >= 0 else { return false }
        var entries: [TopicPartition: CommittedOffset] = [:]
        for _ in 0..<count {
            guard let topic = reader.readString(), let partition: Int32 = reader.read(),
                  let offset: Int64 = reader.read(), let epoch: Int32 = reader.read(),
                  let hasMetadata: UInt8 = reader.read(), let metadata = reader.readString(),
                  let timestamp: Int64 = reader.read()
            else { return false }
            entries[TopicPartition(topic, partition)] = CommittedOffset(
                offset: offset, leaderEpoch: epoch, metadata: hasMetadata == 1 ? metadata : nil, commitTimestamp: timestamp)
        }
        offsets[group, default: [:]].merge(entries) { $1 }
        return true
    }
}
