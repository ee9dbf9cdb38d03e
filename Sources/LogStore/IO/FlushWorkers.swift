import Foundation
import Synchronization

/// The threads that run a store's fsyncs and checkpoint writes, shared by all its partitions.
///
/// Each partition used to flush on a Dispatch queue of its own, and Dispatch starts a thread
/// for every such queue whose work blocks: under `make loadtest` (a thousand partitions under
/// acks=all) the broker ran ~260 threads, most of them started within a second. Meanwhile
/// `perf trace` caught both event loops in `mprotect` for 480 ms, growing a `malloc` heap,
/// which needs the process's memory-map lock that every thread start and exit also takes.
/// A bounded pool keeps the disk as busy: the broker made as many `fdatasync` calls a second
/// with 8 threads as with 260.
final class FlushWorkers: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Queue {
        var jobs: [Job?] = []
        var head = 0
        var threads = 0
        var busy = 0

        var queued: Int { jobs.count - head }

        mutating func pop() -> Job? {
            guard head < jobs.count, let job = jobs[head] else { return nil }
            jobs[head] = nil
            head += 1
            if head == jobs.count || head >= 1024 {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    /// What the threads share; they outlive nothing but this.
    private final class Shared: Sendable {
        let queue = Mutex(Queue())
        /// One signal per job queued, and one per thread at the end.
        let available = DispatchSemaphore(value: 0)

        func work() {
            while true {
                available.wait()
                guard let job = queue.withLock({ queue -> Job? in
                    let job = queue.pop()
                    if job != nil { queue.busy += 1 }
                    return job
                }) else { return }
                job()
                queue.withLock { $0.busy -= 1 }
            }
        }
    }

    /// Most threads this pool starts; it starts them as work comes and keeps them.
    let maximumThreads: Int
    private let shared = Shared()

    init(maximumThreads: Int) {
        self.maximumThreads = max(1, maximumThreads)
    }

    deinit {
        // A queued job holds the pool, so none is left: wake each thread with nothing to do.
        for _ in 0..<startedThreads { shared.available.signal() }
    }

    /// Runs `job` on one of the threads, after every job submitted before it has started.
    func submit(_ job: @escaping Job) {
        let startThread = shared.queue.withLock { queue in
            queue.jobs.append(job)
            // A new thread only when the idle ones are fewer than the jobs waiting.
            guard queue.threads < maximumThreads, queue.queued > queue.threads - queue.busy else { return false }
            queue.threads += 1
            return true
        }
        if startThread {
            let thread = Thread { [shared] in shared.work() }
            thread.name = "tributary-flush"
            thread.start()
        }
        shared.available.signal()
    }

    /// Number of threads started so far (tests).
    var startedThreads: Int { shared.queue.withLock { $0.threads } }
}
