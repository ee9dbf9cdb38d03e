import Foundation
import Synchronization
import Testing
@testable import LogStore

@Suite struct FlushWorkersTests {
    /// Counts jobs running at once, and the most there ever were.
    private final class Overlap: Sendable {
        private let counts = Mutex((now: 0, most: 0))
        var most: Int { counts.withLock { $0.most } }
        func during(_ body: () -> Void) {
            counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            body()
            counts.withLock { $0.now -= 1 }
        }
    }

    @Test func eachQueueRunsInOrderAloneAndThePoolStaysAtItsSize() {
        let workers = FlushWorkers(maximumThreads: 3)
        let queues = (0..<40).map { _ in SerialWork(on: workers) }
        let perQueue = (0..<40).map { _ in Overlap() }
        let pool = Overlap()
        let ran = Mutex([[Int]](repeating: [], count: 40))
        for job in 0..<25 {
            for (index, queue) in queues.enumerated() {
                queue.async {
                    perQueue[index].during { pool.during { usleep(50) } }
                    ran.withLock { $0[index].append(job) }
                }
            }
        }
        for queue in queues { queue.sync {} }
        #expect(ran.withLock { $0 } == Array(repeating: Array(0..<25), count: 40))
        #expect(perQueue.map(\.most).allSatisfy { $0 == 1 })
        #expect(pool.most <= 3)
        #expect(pool.most >= 2)
        #expect(workers.startedThreads == 3)
    }

    @Test func aQueueThatIsAlwaysBusyTakesTurnsWithTheOthers() {
        let workers = FlushWorkers(maximumThreads: 1)
        let busy = SerialWork(on: workers), other = SerialWork(on: workers)
        let order = Mutex<[String]>([])
        // Like a partition whose flush finds new waiters every time: each turn queues the next.
        @Sendable func turn(_ left: Int) {
            order.withLock { $0.append("busy") }
            usleep(200)
            if left > 0 { busy.async { turn(left - 1) } }
        }
        busy.async { turn(50) }
        other.async { order.withLock { $0.append("other") } }
        busy.sync {}
        other.sync {}
        let position = order.withLock { $0.firstIndex(of: "other") }
        #expect(position.map { $0 <= 2 } == true, "waited behind \(position ?? -1) turns of the busy queue")
    }

    @Test func syncReturnsAfterEverythingQueuedBeforeIt() {
        let queue = SerialWork(on: FlushWorkers(maximumThreads: 2))
        let done = Atomic<Int>(0)
        for _ in 0..<100 { queue.async { usleep(10); done.add(1, ordering: .relaxed) } }
        #expect(queue.sync { done.load(ordering: .relaxed) } == 100)
    }

    @Test func manyPartitionsAwaitingFsyncsShareTheStoresFewThreads() async throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path, flushThreads: 4)
        try store.createTopic("wide", partitions: 200)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for partition in 0..<200 {
                let log = try store.partition("wide", Int32(partition))
                group.addTask {
                    for _ in 0..<3 {
                        let result = try log.append(makeBatch(count: 2))
                        try await log.sync(upTo: result.lastOffset + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(store.flushWorkers.startedThreads <= 4)
        try store.close()
    }
}
