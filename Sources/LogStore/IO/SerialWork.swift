import Dispatch
import Synchronization

/// One partition's flush work: jobs run one at a time, in the order submitted, on the
/// store's `FlushWorkers`. After each job a partition with more to do goes to the back of
/// the pool's queue, so a partition that is always busy cannot keep a thread from the rest.
final class SerialWork: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Pending {
        var jobs: [Job] = []
        /// Whether a turn is queued or running on the pool.
        var scheduled = false
    }

    private let workers: FlushWorkers
    private let pending = Mutex(Pending())

    init(on workers: FlushWorkers) {
        self.workers = workers
    }

    /// Runs `job` after the jobs submitted before it.
    func async(_ job: @escaping Job) {
        let schedule = pending.withLock { pending in
            pending.jobs.append(job)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if schedule { workers.submit { [self] in runOne() } }
    }

    /// Runs `body` after the jobs submitted before it and returns its result. Must not be
    /// called from a flush job: with every thread waiting like this, none would run it.
    func sync<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let outcome = Outcome<T>()
        async {
            outcome.value.withLock { $0 = body() }
            outcome.done.signal()
        }
        outcome.done.wait()
        guard let value = outcome.value.withLock({ $0.take() }) else {
            preconditionFailure("a job signalled without a result")
        }
        return value
    }

    private final class Outcome<T: Sendable>: Sendable {
        let value = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    private func runOne() {
        let job = pending.withLock { $0.jobs.removeFirst() }
        job()
        let more = pending.withLock { pending in
            if pending.jobs.isEmpty { pending.scheduled = false }
            return pending.scheduled
        }
        if more { workers.submit { [self] in runOne() } }
    }
}
