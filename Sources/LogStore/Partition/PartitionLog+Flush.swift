import Dispatch

extension PartitionLog {
    /// How often, at most, a flush also rewrites the `recovery-point` checkpoint.
    static let checkpointIntervalMs: Int64 = 5_000

    /// How far into its checkpoint interval a partition starts. A topic's partitions open
    /// together; without this, a thousand of them under acks=all came due for a checkpoint
    /// (three more files written and fsync'd) in the same second, every five seconds, and
    /// their group commits queued behind that burst for the flush threads.
    static func checkpointPhase(of partition: Int32) -> Int64 {
        Int64(partition) * 1_009 % checkpointIntervalMs
    }

    /// Returns once every offset below `offset` is on stable storage. Concurrent callers
    /// share fsyncs: whoever arrives while one runs is served by the next (group commit).
    public func sync(upTo offset: Int64) async throws {
        if state.withLock({ $0.durableOffset >= offset }) { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let immediate: Result<Void, LogStoreError>? = state.withLock { state in
                if state.durableOffset >= offset { return .success(()) }
                if state.closed { return .failure(.closed) }
                if let failure = state.storageFailure { return .failure(failure) }
                state.waiters.append(Waiter(offset: offset, continuation: continuation))
                scheduleFlushLocked(state: &state)
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    /// Queues a flush when the oldest unflushed append is `flush.ms` old (or older), or when
    /// a checkpoint that its interval held back is due. Returns whether it did. The broker
    /// asks every partition once a second.
    @discardableResult
    public func flushIfDue(now: Int64) -> Bool {
        state.withLock { state in
            guard !state.closed, state.storageFailure == nil else { return false }
            let flushDue = state.oldestUnflushedAppendMs.map { now - $0 >= state.config.flushMs } ?? false
            // Group commits advance the durable offset often, the checkpoint at most every
            // `checkpointIntervalMs`: without this, the last few seconds of an acks=all burst
            // would stay unchecked until `flush.ms`, and a crash meanwhile re-reads them.
            let checkpointDue = state.durableOffset > state.checkpointedOffset
                && now - state.lastCheckpointMs >= Self.checkpointIntervalMs
            guard flushDue || checkpointDue else { return false }
            if flushDue {
                // `flush.ms` flushes exist to advance the checkpoint: date the last one back so
                // this flush writes it, however recent it was.
                state.lastCheckpointMs = min(state.lastCheckpointMs, now - Self.checkpointIntervalMs)
            }
            scheduleFlushLocked(state: &state)
            return true
        }
    }

    /// Queues a flush unless one is already queued; the queued one will see every write
    /// made before it starts.
    func scheduleFlushLocked(state: inout State) {
        guard !state.flushScheduled else { return }
        state.flushScheduled = true
        flushQueue.async { [self] in runScheduledFlushes() }
    }

    /// One group commit; when appends came in meanwhile with waiters, the next is queued
    /// behind the other partitions' flushes rather than run at once.
    private func runScheduledFlushes() {
        let outcome: Result<Void, LogStoreError>
        do throws(LogStoreError) {
            try flushOnce(persistAllIndexes: false, snapshot: false)
            outcome = .success(())
        } catch {
            logger.error("flush failed: \(error)")
            outcome = .failure(error)
        }
        let (ready, again) = state.withLock { state -> ([Waiter], Bool) in
            var ready: [Waiter] = []
            if case .failure = outcome {
                ready = state.waiters
                state.waiters = []
            } else {
                let durable = state.durableOffset
                ready = state.waiters.filter { $0.offset <= durable }
                state.waiters.removeAll { $0.offset <= durable }
            }
            let again = !state.waiters.isEmpty && !state.closed
            if !again { state.flushScheduled = false }
            return (ready, again)
        }
        for waiter in ready { waiter.continuation.resume(with: outcome.mapError { $0 as any Error }) }
        if again { flushQueue.async { [self] in runScheduledFlushes() } }
    }

    /// Fails the partition for good after a lost write (the first failure is kept), and
    /// returns the error its appenders and waiters get from then on.
    @discardableResult
    func recordStorageFailure(_ error: LogStoreError) -> LogStoreError {
        let failure = LogStoreError.storageFailed(storage: "partition \(topic)-\(partition)", reason: error.description)
        state.withLock { state in state.storageFailure = state.storageFailure ?? failure }
        return failure
    }

    /// Flushes synchronously on the flush queue (close, tests, retention).
    func flushNow(persistAllIndexes: Bool, snapshot: Bool) throws(LogStoreError) {
        try flushQueue.sync { [self] in
            Result { () throws(LogStoreError) in try flushOnce(persistAllIndexes: persistAllIndexes, snapshot: snapshot) }
        }.get()
    }

    /// One round: take what is dirty under the lock, fsync it without the lock, then
    /// advance the durable offset and, now and then, the recovery-point checkpoint.
    private func flushOnce(persistAllIndexes: Bool, snapshot: Bool) throws(LogStoreError) {
        let now = clock()
        let work = try state.withLock { (state) throws(LogStoreError) in
            if let failure = state.storageFailure { throw failure }
            defer {
                for segment in state.dirtySegments { segment.hasUnsyncedData = false }
                state.dirtySegments = []
                state.rolledSegments = []
                state.pendingSnapshots = []
                state.directoryDirty = false
                state.oldestUnflushedAppendMs = nil
            }
            let indexed = persistAllIndexes ? state.segments : state.rolledSegments
            let checkpoint = persistAllIndexes || !state.rolledSegments.isEmpty
                || now - state.lastCheckpointMs >= Self.checkpointIntervalMs
            var snapshots = state.pendingSnapshots
            // At a checkpoint the active segment's index entries and the producer state go
            // to disk too, so crash recovery resumes at the checkpoint rather than re-reading
            // the active segment from its start (`LogSegment.recover(resumingBelow:)`).
            if snapshot || checkpoint, snapshots.last?.offset != state.nextOffset {
                snapshots.append((state.nextOffset, state.producers.encoded()))
            }
            // With every index persisted whole, the active segment's are among them.
            let activeIndexes = checkpoint && !persistAllIndexes ? state.active.pendingIndexUpdate() : nil
            return (target: state.nextOffset, dirty: state.dirtySegments, indexed: indexed, activeIndexes: activeIndexes,
                    snapshots: state.snapshotFiles.plan(snapshots), directoryDirty: state.directoryDirty, checkpoint: checkpoint)
        }
        do {
            for segment in work.dirty { try segment.log.syncData() }
            if work.directoryDirty { try AtomicFile.syncDirectory(directory) }
            // Index entries must be durable before the checkpoint passes them.
            for segment in work.indexed { try segment.persistIndexes() }
            if let update = work.activeIndexes { try LogSegment.write(update) }
            // Neither the snapshot's nor the checkpoint's rename is followed by a directory
            // fsync. A file is complete and fsync'd before it gets its name, so a power cut
            // leaves each name on its old file or its new one, and an old one is never wrong,
            // only older: a checkpoint below the truth re-validates more of the log, a snapshot
            // from an earlier offset replays more batch headers. (A process crash loses no
            // rename at all.)
            try ProducerStateSnapshot.perform(work.snapshots, directory: directory)
            if work.checkpoint { try RecoveryPoint.replace(work.target, directory: directory) }
        } catch {
            // Nothing is marked durable, and nothing will be: after a failed fsync the kernel
            // may have dropped the pages, so a retry proves nothing. Recovery after a restart
            // re-reads what is really there.
            throw recordStorageFailure(error)
        }
        state.withLock { state in
            if let update = work.activeIndexes { update.segment.didPersist(update) }
            state.durableOffset = max(state.durableOffset, work.target)
            if work.checkpoint {
                state.checkpointedOffset = work.target
                state.lastCheckpointMs = now
            }
        }
    }
}
