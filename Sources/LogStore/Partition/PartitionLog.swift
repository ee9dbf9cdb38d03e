import Dispatch
import KafkaProtocol
import Logging
import Synchronization

/// One partition's log: an ordered list of segments, the last of which takes appends.
///
/// Thread-safe. Appends hold the lock only for the write itself; reads position
/// themselves under the lock and then read file bytes without it, because everything below
/// a segment's recorded size is immutable. Durability is group-committed: every waiter on
/// `sync(upTo:)` that arrives while an fsync runs shares the next one.
public final class PartitionLog: Sendable {
    public let topic: String
    public let partition: Int32
    let directory: String
    let clock: @Sendable () -> Int64
    let logger: Logger
    let state: ContendedLock<State>
    /// Serialises fsyncs and checkpoint writes, off the appenders' path.
    let flushQueue: SerialWork

    struct Waiter {
        var offset: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct State: ~Copyable {
        var config: LogConfig
        var segments: [LogSegment]
        var producers: ProducerStateManager
        /// Everything below this offset is on stable storage.
        var durableOffset: Int64
        /// The offset last written to the `recovery-point` file.
        var checkpointedOffset: Int64
        var lastCheckpointMs: Int64
        var dirtySegments: [LogSegment] = []
        /// When the oldest append not yet taken by a flush was made (`flush.ms`).
        var oldestUnflushedAppendMs: Int64?
        var rolledSegments: [LogSegment] = []
        var pendingSnapshots: [(offset: Int64, bytes: [UInt8])] = []
        var snapshotFiles: ProducerSnapshotFiles
        var directoryDirty = false
        var flushScheduled = false
        var waiters: [Waiter] = []
        var closed = false
        /// Set by the first failed flush; from then on appends and syncs fail with it.
        var storageFailure: LogStoreError?
        /// Where DeleteRecords put the log start (`log-start-offset`); it can lie inside the
        /// first segment, whose earlier records are then no longer served.
        var recordsDeletedBelow: Int64 = 0

        var active: LogSegment { segments[segments.count - 1] }
        var nextOffset: Int64 { active.nextOffset }
        var logStartOffset: Int64 { max(segments[0].baseOffset, recordsDeletedBelow) }
    }

    /// Opens (recovering if needed) or creates the partition in `directory`.
    init(topic: String, partition: Int32, directory: String, config: LogConfig, cleanShutdown: Bool,
         flushWorkers: FlushWorkers, clock: @escaping @Sendable () -> Int64, logger: Logger) throws(LogStoreError) {
        self.topic = topic
        self.partition = partition
        self.directory = directory
        self.clock = clock
        var logger = logger
        logger[metadataKey: "partition"] = "\(topic)-\(partition)"
        self.logger = logger
        flushQueue = SerialWork(on: flushWorkers)
        let loaded = try LogLoader(directory: directory, config: config, clock: clock, logger: logger)
            .load(cleanShutdown: cleanShutdown)
        var initial = State(config: config, segments: loaded.segments, producers: loaded.producers,
                            durableOffset: loaded.recoveryPoint, checkpointedOffset: loaded.recoveryPoint,
                            lastCheckpointMs: clock() - Self.checkpointPhase(of: partition),
                            snapshotFiles: ProducerSnapshotFiles(existing: loaded.snapshotOffsets))
        initial.recordsDeletedBelow = loaded.recordsDeletedBelow
        if !cleanShutdown {
            // What recovery found past the checkpoint may be only in the page cache (the
            // process died, the machine did not), and its truncations and deletions are not
            // on disk either: the first flush syncs all of it before calling anything durable,
            // and persists the indexes recovery rebuilt before the checkpoint passes them.
            for segment in loaded.segments where segment.nextOffset > loaded.recoveryPoint {
                segment.hasUnsyncedData = true
                initial.dirtySegments.append(segment)
                if segment !== loaded.segments.last { initial.rolledSegments.append(segment) }
            }
            initial.directoryDirty = true
            // Recovered data counts as appended now for `flush.ms`: a broker that crashes
            // again later re-reads it only if that happens within the interval.
            if !initial.dirtySegments.isEmpty { initial.oldestUnflushedAppendMs = clock() }
        }
        state = ContendedLock(initial)
    }

    /// The offset the next appended record will get (log end offset); with one replica this
    /// is also the high watermark.
    public var highWatermark: Int64 { state.withLock { $0.nextOffset } }
    /// The first offset still in the log.
    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    /// Everything below this offset has been fsync'd.
    public var durableOffset: Int64 { state.withLock { $0.durableOffset } }
    /// The topic's settings as this partition applies them.
    public var config: LogConfig { state.withLock { $0.config } }
    /// Bytes on disk across all segments.
    public var sizeInBytes: Int64 { state.withLock { $0.segments.reduce(0) { $0 + $1.size } } }
    /// How many idempotent producers this partition remembers.
    var producerCount: Int { state.withLock { $0.producers.producers.count } }
    /// The highest idempotent producer id this partition remembers, or -1.
    var highestProducerId: Int64 { state.withLock { $0.producers.producers.keys.max() ?? -1 } }
    /// Number of segments (tests and metrics).
    public var segmentCount: Int { state.withLock { $0.segments.count } }
    /// Base offsets of every segment, oldest first.
    public var segmentBaseOffsets: [Int64] { state.withLock { $0.segments.map(\.baseOffset) } }

    func update(config: LogConfig) {
        state.withLock { $0.config = config }
    }

    /// Flushes everything, writes indexes, the producer snapshot and the recovery point, and
    /// refuses further appends. Called by `LogStore.close()`.
    func close() throws(LogStoreError) {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        if alreadyClosed { return }
        var failure: LogStoreError?
        do throws(LogStoreError) { try flushNow(persistAllIndexes: true, snapshot: true) } catch { failure = error }
        let (waiters, durable) = state.withLock { state in
            state.active.releaseReservedSpace()
            defer { state.waiters = [] }
            return (state.waiters, state.durableOffset)
        }
        // The last flush may have made some waiters' data durable: they succeed.
        for waiter in waiters {
            if failure == nil, waiter.offset <= durable {
                waiter.continuation.resume()
            } else {
                waiter.continuation.resume(throwing: failure ?? LogStoreError.closed)
            }
        }
        if let failure { throw failure }
    }

    /// Stops the partition of a topic being deleted, without flushing what is about to be
    /// removed: appends and syncs fail from now on, a flush already under way is waited for
    /// (it must not write a checkpoint into a directory that is moving), and producers waiting
    /// for durability get `error`.
    func discard(failingWaitersWith error: LogStoreError) {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        flushQueue.sync {}
        state.withLock { $0.active.releaseReservedSpace() }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }
}
