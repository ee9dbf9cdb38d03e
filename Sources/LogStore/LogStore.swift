#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import Synchronization

/// The storage engine: a data directory of topics, each a set of partition logs, plus the
/// broker's durable side stores (committed group offsets, producer ids).
///
/// ```
/// let store = try LogStore(directory: "./data")
/// try store.createTopic("events", partitions: 3)
/// let result = try store.partition("events", 0).append(batchBytes)
/// try await store.partition("events", 0).sync(upTo: result.lastOffset + 1)
/// ```
public final class LogStore: Sendable {
    /// The data directory.
    public let directory: String
    /// Settings for topics that do not override them.
    public let defaults: LogConfig
    /// Committed consumer-group offsets.
    public let groupOffsets: GroupOffsetStore
    /// Allocates idempotent-producer ids that are never reused, across restarts.
    public let producerIds: ProducerIdAllocator
    /// True when the previous run did not close the store (a crash or `kill -9`).
    public let recoveredFromCrash: Bool

    let clock: @Sendable () -> Int64
    let logger: Logger
    /// How long an idle idempotent producer's state is kept (Kafka's
    /// `producer.id.expiration.ms`, one day).
    public let producerIdExpirationMs: Int64
    let topics: Mutex<[String: Topic]>
    /// Topics removed from `topics` whose directory is not yet out of the way: a topic of
    /// the same name cannot be created meanwhile (it would open the old files). Taken only
    /// inside `topics`' lock.
    let deletingTopics = Mutex<Set<String>>([])
    private let closed = Atomic<Bool>(false)
    /// Runs every partition's flushes.
    let flushWorkers: FlushWorkers
    /// Enough concurrent fsyncs to keep a disk's queue busy, few enough that starting the
    /// threads is no event. Under `make loadtest` (a thousand partitions under acks=all),
    /// 16 answered produce requests about as fast as a thread per partition did; 8 made one
    /// in thirty wait over 100 ms for its turn.
    public static let defaultFlushThreads = 16
    /// Set when a deleted topic's directory could not be moved away: its partitions were
    /// stopped without a flush, so `close()` must not mark the shutdown clean.
    let needsRecoveryAtNextStart = Atomic<Bool>(false)

    static let cleanShutdownMarker = ".clean-shutdown"
    var topicsDirectory: String { directory + "/topics" }

    /// Opens the store at `directory`, creating it if needed and recovering every partition
    /// when the last run did not shut down cleanly.
    ///
    /// `flushThreads` bounds the threads that fsync partitions and write their checkpoints
    /// (`FlushWorkers`).
    public init(directory: String, defaults: LogConfig = LogConfig(),
                clock: @escaping @Sendable () -> Int64 = LogStore.wallClockMs,
                producerIdExpirationMs: Int64 = 86_400_000,
                flushThreads: Int = LogStore.defaultFlushThreads,
                logger: Logger = Logger(label: "tributary.logstore")) throws(LogStoreError) {
        self.directory = directory
        flushWorkers = FlushWorkers(maximumThreads: flushThreads)
        self.producerIdExpirationMs = producerIdExpirationMs
        self.defaults = defaults
        self.clock = clock
        self.logger = logger
        let existed = access(directory + "/topics", F_OK) == 0
        if access(directory, F_OK) != 0 {
            try Self.makeDirectory(directory)
            try AtomicFile.syncDirectory(containing: directory)
        }
        for path in [directory + "/topics", directory + "/deleted"] {
            try Self.makeDirectory(path)
        }
        let marker = directory + "/" + Self.cleanShutdownMarker
        let clean = access(marker, F_OK) == 0
        recoveredFromCrash = existed && !clean
        groupOffsets = try GroupOffsetStore(directory: directory + "/__group_offsets")
        producerIds = try ProducerIdAllocator(path: directory + "/producer-ids")
        var found: [(name: String, metadata: TopicMetadata, config: LogConfig)] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/topics")) ?? []
        for name in names.sorted() {
            guard (try? TopicName.validate(name)) != nil else { continue }
            let topicDirectory = directory + "/topics/" + name
            guard let metadata = TopicMetadata.read(directory: topicDirectory) else {
                logger.warning("ignoring \(topicDirectory): no readable topic.json")
                continue
            }
            found.append((name, metadata, try defaults.applying(metadata.config)))
        }
        let opened = try Self.openPartitions(of: found, under: directory + "/topics", cleanShutdown: clean,
                                             flushWorkers: flushWorkers,
                                             clock: clock, logger: logger)
        var loaded: [String: Topic] = [:]
        for topic in found {
            loaded[topic.name] = Topic(name: topic.name, id: topic.metadata.id, overrides: topic.metadata.config,
                                       partitions: opened[topic.name] ?? [])
        }
        topics = Mutex(loaded)
        let highestProducerId = loaded.values.flatMap(\.partitions).map(\.highestProducerId).max() ?? -1
        producerIds.reserve(through: highestProducerId)
        // From here on a crash must trigger recovery again. The same directory fsync makes
        // the subdirectories created above durable on a fresh store.
        if clean { unlink(marker) }
        try AtomicFile.syncDirectory(directory)
        try? FileManager.default.removeItem(atPath: directory + "/deleted")
        try Self.makeDirectory(directory + "/deleted")
        logger.info("log store open", metadata: [
            "directory": "\(directory)", "topics": "\(loaded.count)", "recovered": "\(recoveredFromCrash)",
        ])
    }

    /// Milliseconds since 1970, the default clock.
    @Sendable public static func wallClockMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Flushes every partition, writes checkpoints and indexes and the clean-shutdown marker,
    /// so the next open skips recovery.
    public func close() throws(LogStoreError) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let all = topics.withLock { $0.values.flatMap(\.partitions) }
        // Every partition gets its chance to flush; any failure means no clean-shutdown
        // marker, so the next start recovers.
        var failure: LogStoreError?
        for partition in all {
            do throws(LogStoreError) { try partition.close() } catch { failure = failure ?? error }
        }
        try groupOffsets.close()
        if let failure { throw failure }
        guard !needsRecoveryAtNextStart.load(ordering: .acquiring) else {
            logger.warning("log store closed; a topic whose deletion failed is recovered at the next start")
            return
        }
        try AtomicFile.write([], to: directory + "/" + Self.cleanShutdownMarker)
        logger.info("log store closed cleanly", metadata: ["directory": "\(directory)"])
    }

    static func makeDirectory(_ path: String) throws(LogStoreError) {
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw .io(operation: "mkdir", path: path, errno: errno) }
    }
}

/// A topic as the store holds it.
struct Topic: Sendable {
    var name: String
    var id: UUID
    var overrides: [String: String]
    var partitions: [PartitionLog]
}

extension LogStore {
    /// Stops using the store the way a crash would: nothing more is flushed, checkpointed or
    /// marked clean. Waits for flushes already under way. For crash tests.
    func simulateCrash() {
        closed.store(true, ordering: .releasing)
        for partition in allPartitions() { partition.abandon() }
    }
}

extension PartitionLog {
    func abandon() {
        state.withLock { $0.closed = true }
        flushQueue.sync {}
    }
}

extension PartitionLog {
    /// Size of the segment taking appends (crash tests).
    var activeSegmentSize: Int64 { state.withLock { $0.active.size } }
}
