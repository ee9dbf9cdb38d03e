import Foundation
import Synchronization
import Testing
@testable import LogStore

/// Power loss, modelled. A `SyncTrace` remembers what each fsync made durable; the simulated
/// cut keeps only that, plus a random part of later writes and random garbage, and drops
/// directory entries no directory fsync covered. Whatever was acknowledged before the cut —
/// an append whose `sync(upTo:)` returned (acks=all), a committed group offset, a producer id
/// handed out — must be there after recovery, and the producer state must match the log
/// recovered (an idempotent producer's retry is recognised).
@Suite struct PowerLossTests {
    struct Ack: Sendable {
        var partition: Int32
        var baseOffset: Int64
        var tag: Int
    }

    struct Acknowledged: Sendable {
        var appends: [Ack] = []
        /// The last acknowledged commit per (writer's group, partition); each writer's
        /// commits only move forward, so recovery must find at least this.
        var commits: [String: [Int32: Int64]] = [:]
        var producerIds: [Int64] = []
        /// The id writer 0 writes its batches under, as an idempotent producer.
        var idempotentProducer: Int64?
        /// The highest log start DeleteRecords answered per partition: deleted must stay deleted.
        var lowWatermarks: [Int32: Int64] = [:]
    }

    /// What the writers and the task that cuts the power share.
    final class Run: Sendable {
        let acknowledged = Mutex(Acknowledged())
        let stop = Atomic<Bool>(false)
    }

    static let partitions: Int32 = 3

    @Test(arguments: 0..<10)
    func acknowledgedWritesSurviveAPowerCut(seed: Int) async throws {
        try await powerCut(seed: seed, retention: false)
    }

    /// The same with retention deleting old segments meanwhile: a deletion the cut undoes may
    /// bring a segment back, but nothing acknowledged at or past the recovered log start may
    /// be missing, and the log must still be contiguous from there.
    @Test(arguments: 100..<110)
    func acknowledgedWritesSurviveAPowerCutDuringRetention(seed: Int) async throws {
        try await powerCut(seed: seed, retention: true)
    }

    /// The same with DeleteRecords moving log starts meanwhile, often into a segment: records
    /// it answered for must stay deleted, and the recovered log must still hold everything
    /// acknowledged from its start on.
    @Test(arguments: 200..<210)
    func acknowledgedWritesAndDeletionsSurviveAPowerCut(seed: Int) async throws {
        try await powerCut(seed: seed, retention: false, deleteRecords: true)
    }

    func powerCut(seed: Int, retention: Bool, deleteRecords: Bool = false) async throws {
        var random = SeededGenerator(seed: UInt64(seed) &* 7919)
        let live = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: live.path))
        defer { trace.stop() }
        let store = try LogStore(directory: live.path)
        try store.createTopic("orders", partitions: Int(Self.partitions), configs: [
            "segment.bytes": "\(Int.random(in: 3_000...30_000, using: &random))",
            "index.interval.bytes": "\(Int.random(in: 64...2_048, using: &random))",
        ].merging(retention ? ["retention.bytes": "\(Int.random(in: 10_000...60_000, using: &random))"] : [:]) { a, _ in a })
        let run = Run()
        let cutAfter = Int.random(in: 5...300, using: &random)
        let image = TemporaryDirectory()

        let captured = try await withThrowingTaskGroup(of: Acknowledged?.self) { group in
            for writer in 0..<6 {
                group.addTask {
                    try await Self.write(writer: writer, seed: seed, store: store, run: run)
                    return nil
                }
            }
            if retention {
                group.addTask {
                    while !run.stop.load(ordering: .acquiring) {
                        _ = store.enforceRetention()
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    return nil
                }
            }
            if deleteRecords {
                group.addTask {
                    var random = SeededGenerator(seed: UInt64(seed) &+ 2)
                    while !run.stop.load(ordering: .acquiring) {
                        let partition = Int32.random(in: 0..<Self.partitions, using: &random)
                        let log = try store.partition("orders", partition)
                        let (start, end) = (log.logStartOffset, log.highWatermark)
                        do {
                            let low = try log.deleteRecords(before: Int64.random(in: start...end, using: &random))
                            run.acknowledged.withLock { $0.lowWatermarks[partition] = max($0.lowWatermarks[partition] ?? 0, low) }
                        } catch LogStoreError.closed {
                            return nil
                        }
                        try await Task.sleep(for: .milliseconds(3))
                    }
                    return nil
                }
            }
            group.addTask {
                defer { run.stop.store(true, ordering: .releasing) }
                while run.acknowledged.withLock({ $0.appends.count }) < cutAfter { try await Task.sleep(for: .milliseconds(1)) }
                // Read what was acknowledged first: each of those fsyncs is already in the trace.
                let before = run.acknowledged.withLock { $0 }
                var random = SeededGenerator(seed: UInt64(seed) &+ 1)
                try trace.materializeCrash(at: image.path, using: &random)
                return before
            }
            var result: Acknowledged?
            for try await value in group { result = result ?? value }
            return result
        }
        // Retention only moves forward, so the live log start now bounds the one at the cut.
        let liveStarts = try (0..<Self.partitions).map { try store.partition("orders", $0).logStartOffset }
        store.simulateCrash()
        let before = try #require(captured)

        let recovered = try LogStore(directory: image.path)
        #expect(recovered.recoveredFromCrash)
        for partition in 0..<Self.partitions {
            let log = try recovered.partition("orders", partition)
            let start = log.logStartOffset
            #expect(start <= liveStarts[Int(partition)], "seed \(seed): recovery dropped more than retention did")
            #expect(start >= before.lowWatermarks[partition] ?? 0, "seed \(seed): records deleted before the cut came back")
            let bytes = try log.readAll(from: start)
            let headers = try batches(in: bytes)
            var next = headers.first?.baseOffset ?? start
            #expect(next <= start, "seed \(seed): the first batch must hold the log start offset")
            for header in headers {
                #expect(header.baseOffset == next, "seed \(seed): offsets must stay contiguous")
                next = header.lastOffset + 1
            }
            let values: [String] = try firstValues(in: bytes)
            let found: [Int64: String] = Dictionary(zip(headers.map(\.baseOffset), values),
                                                    uniquingKeysWith: { first, _ in first })
            for ack in before.appends where ack.partition == partition && ack.baseOffset >= start {
                let expected = "\(ack.tag)-0"
                #expect(found[ack.baseOffset] == expected,
                        "seed \(seed): acknowledged batch \(ack.tag) at \(partition)/\(ack.baseOffset) lost")
            }
            // The producer state must describe the log as recovered, whatever of the idempotent
            // writer's later batches the cut kept: a retry of any of the last five of them in
            // it is recognised as the batch it repeats.
            let idempotent = headers.filter { $0.producerId == before.idempotentProducer }
            for header in idempotent.suffix(ProducerStateManager.retainedBatches) {
                let retry = try log.append(makeBatch(count: Int(header.recordCount), valueSize: 10, producerId: header.producerId,
                                                     epoch: header.producerEpoch, sequence: header.baseSequence))
                #expect(retry.isDuplicate && retry.baseOffset == header.baseOffset,
                        "seed \(seed): the retry of \(partition)/\(header.baseOffset) was not recognised")
                next = max(next, retry.lastOffset + 1)
            }
            #expect(try log.append(makeBatch(tag: -1)).baseOffset == next, "seed \(seed): the log takes appends again")
        }
        for (group, offsets) in before.commits {
            for (partition, offset) in offsets {
                let committed = recovered.groupOffsets.committed(group: group, TopicPartition("orders", partition))
                #expect((committed?.offset ?? -1) >= offset, "seed \(seed): commit \(group) \(partition)=\(offset) lost")
            }
        }
        let fresh = try recovered.producerIds.next()
        #expect(before.producerIds.allSatisfy { $0 < fresh }, "seed \(seed): producer id \(fresh) handed out twice")
        try recovered.close()
    }

    /// One writer: appends acknowledged the acks=all way, now and then a commit of its own
    /// group and a producer id, until told to stop.
    static func write(writer: Int, seed: Int, store: LogStore, run: Run) async throws {
        var random = SeededGenerator(seed: UInt64(seed * 100 + writer))
        var tag = writer * 1_000_000
        let group = "writer-\(writer)"
        var committed: [Int32: Int64] = [:]
        // Writer 0 is an idempotent producer, sequencing each partition on its own.
        let producerId = writer == 0 ? try store.producerIds.next() : -1
        if producerId >= 0 {
            run.acknowledged.withLock {
                $0.producerIds.append(producerId)
                $0.idempotentProducer = producerId
            }
        }
        var sequences: [Int32: Int32] = [:]
        while !run.stop.load(ordering: .acquiring) {
            let partition = Int32.random(in: 0..<partitions, using: &random)
            let log = try store.partition("orders", partition)
            let count = Int.random(in: 1...5, using: &random)
            let sequence = producerId >= 0 ? sequences[partition, default: 0] : -1
            // Idempotent batches carry the time now: the store forgets producers whose newest
            // batch is older than a day, as Kafka does, and the retention task would expire them.
            let batch = makeBatch(count: count, valueSize: Int.random(in: 10...700, using: &random), tag: tag,
                                  timestamp: producerId >= 0 ? Int64(Date().timeIntervalSince1970 * 1_000) : 1_700_000_000_000,
                                  producerId: producerId, epoch: producerId >= 0 ? 0 : -1, sequence: sequence)
            let result = try log.append(batch)
            if producerId >= 0 { sequences[partition] = sequence + Int32(count) }
            do {
                try await log.sync(upTo: result.lastOffset + 1)
            } catch LogStoreError.closed {
                return
            }
            run.acknowledged.withLock { $0.appends.append(Ack(partition: partition, baseOffset: result.baseOffset, tag: tag)) }
            tag += 1
            if Int.random(in: 0..<6, using: &random) == 0, result.lastOffset + 1 > committed[partition, default: -1] {
                let offset = result.lastOffset + 1
                try store.groupOffsets.commit(group: group, offsets: [
                    TopicPartition("orders", partition): CommittedOffset(offset: offset, commitTimestamp: 0),
                ])
                committed[partition] = offset
                run.acknowledged.withLock { $0.commits[group, default: [:]][partition] = offset }
            }
            if Int.random(in: 0..<15, using: &random) == 0 {
                let id = try store.producerIds.next()
                run.acknowledged.withLock { $0.producerIds.append(id) }
            }
        }
    }
}

extension PowerLossTests {
    @Test func aTopicCreatedOnAFreshStoreSurvivesAPowerCut() throws {
        let live = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: live.path))
        defer { trace.stop() }
        let store = try LogStore(directory: live.path)
        try store.createTopic("orders", partitions: 2)
        let image = TemporaryDirectory()
        var random = SeededGenerator(seed: 42)
        try trace.materializeCrash(at: image.path, using: &random)
        store.simulateCrash()

        let recovered = try LogStore(directory: image.path)
        #expect(recovered.describeTopic("orders")?.partitionCount == 2)
        #expect(try recovered.partition("orders", 1).append(makeBatch()).baseOffset == 0)
        try recovered.close()
    }
}

extension PowerLossTests {
    /// Data that recovery finds past the checkpoint may exist only in the page cache (the
    /// process died, the machine did not). It must be fsync'd before an acks=all waiter on it
    /// is answered: here a retried idempotent batch, answered from the recovered log.
    @Test func recoveredDataIsSyncedBeforeItIsAcknowledged() async throws {
        let live = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: live.path))
        defer { trace.stop() }
        let pid: Int64
        do {
            let store = try LogStore(directory: live.path)
            try store.createTopic("orders", partitions: 1)
            pid = try store.producerIds.next()
            _ = try store.partition("orders", 0).append(makeBatch(count: 3, producerId: pid, epoch: 0, sequence: 0))
            store.simulateCrash()  // appended, never fsync'd
        }
        let reopened = try LogStore(directory: live.path)
        let log = try reopened.partition("orders", 0)
        let retry = try log.append(makeBatch(count: 3, producerId: pid, epoch: 0, sequence: 0))
        #expect(retry.isDuplicate && retry.baseOffset == 0)
        try await log.sync(upTo: retry.lastOffset + 1)  // the producer is told its batch is durable

        let image = TemporaryDirectory()
        var random = SeededGenerator(seed: 7)
        try trace.materializeCrash(at: image.path, using: &random)
        reopened.simulateCrash()
        let recovered = try LogStore(directory: image.path)
        #expect(try recovered.partition("orders", 0).highWatermark == 3)
        try recovered.close()
    }
}

extension PowerLossTests {
    /// Linux reports a writeback error once and may drop the pages, so an fsync that failed
    /// cannot be retried into success: the partition refuses writes until a restart recovers it.
    @Test func afterAFailedFsyncThePartitionTakesNoWritesUntilARestart() async throws {
        let live = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: live.path))
        defer { trace.stop() }
        let store = try LogStore(directory: live.path)
        try store.createTopic("orders", partitions: 1)
        let log = try store.partition("orders", 0)
        _ = try log.append(makeBatch(tag: 0))
        try await log.sync(upTo: 1)

        trace.failNextSyncs(1)
        _ = try log.append(makeBatch(tag: 1))
        await #expect(throws: LogStoreError.self) { try await log.sync(upTo: 2) }
        // The retry would succeed at the kernel level, and prove nothing.
        await #expect(throws: LogStoreError.self) { try await log.sync(upTo: 2) }
        #expect(throws: LogStoreError.self) { try log.append(makeBatch(tag: 2)) }
        #expect(throws: LogStoreError.self) { try store.close() }
        #expect(!FileManager.default.fileExists(atPath: live.path + "/" + LogStore.cleanShutdownMarker))

        let restarted = try LogStore(directory: live.path)
        #expect(restarted.recoveredFromCrash)
        let recovered = try restarted.partition("orders", 0)
        #expect(try recovered.append(makeBatch(tag: 3)).baseOffset == 2)
        try await recovered.sync(upTo: 3)
        try restarted.close()
    }
}

extension PowerLossTests {
    /// DeleteRecords up to appends nothing had fsync'd yet: its checkpoint must not become
    /// durable before the records below it, or a power cut could leave the log ending below
    /// its own start, with the deleted records' offsets handed out again.
    @Test(arguments: 0..<5)
    func recordsDeletedUpToUnsyncedAppendsStayDeletedAfterAPowerCut(seed: Int) throws {
        let live = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: live.path))
        defer { trace.stop() }
        let store = try LogStore(directory: live.path)
        try store.createTopic("orders", partitions: 1)
        let log = try store.partition("orders", 0)
        for tag in 0..<20 { _ = try log.append(makeBatch(count: 3, tag: tag)) }
        #expect(try log.deleteRecords(before: 45) == 45)
        let image = TemporaryDirectory()
        var random = SeededGenerator(seed: UInt64(seed))
        try trace.materializeCrash(at: image.path, using: &random)
        store.simulateCrash()

        let recovered = try LogStore(directory: image.path)
        let kept = try recovered.partition("orders", 0)
        #expect(kept.logStartOffset == 45 && kept.highWatermark >= 45, "seed \(seed): start \(kept.logStartOffset), end \(kept.highWatermark)")
        try recovered.close()
    }
}
