import Synchronization

/// Counts permits; `acquire` suspends until enough are free, first come first served.
/// Bounds a connection's pipelined requests (one permit each) and the bytes they hold (one
/// permit per byte), so a client that never reads its responses cannot make the broker
/// buffer without limit. A waiter whose task is cancelled leaves the queue with
/// `CancellationError`, so a connection whose client went away can always wind down.
final class AsyncSemaphore: Sendable {
    private struct Waiter {
        var id: UInt64
        var count: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var permits: Int
        var waiters: [Waiter] = []
        var nextWaiterId: UInt64 = 0

        /// Takes `count` permits unless someone queued earlier: a big request must not starve.
        mutating func take(_ count: Int) -> Bool {
            guard waiters.isEmpty, permits >= count else { return false }
            permits -= count
            return true
        }

        /// Hands free permits to the waiters at the head of the queue that they satisfy.
        mutating func admitWaiters() -> [CheckedContinuation<Void, any Error>] {
            var ready: [CheckedContinuation<Void, any Error>] = []
            while let first = waiters.first, first.count <= permits {
                permits -= first.count
                ready.append(first.continuation)
                waiters.removeFirst()
            }
            return ready
        }
    }

    /// Every permit there is; a larger request is clamped to this.
    let capacity: Int
    private let state: Mutex<State>

    init(permits: Int) {
        capacity = max(1, permits)
        state = Mutex(State(permits: capacity))
    }

    /// Waits for `count` permits (clamped to `1...capacity`) and returns how many it took.
    /// Throws `CancellationError`, holding nothing, when the task is cancelled while waiting.
    @discardableResult
    func acquire(_ count: Int = 1) async throws -> Int {
        let count = min(max(count, 1), capacity)
        // Fast path, or else a waiter id, under one lock.
        let id: UInt64? = state.withLock { state in
            if state.take(count) { return nil }
            defer { state.nextWaiterId += 1 }
            return state.nextWaiterId
        }
        guard let id else { return count }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock, so a cancellation either sees the waiter queued or
                // is seen here.
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.take(count) { return .success(()) }
                    state.waiters.append(Waiter(id: id, count: count, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let (cancelled, ready) = state.withLock { state in
                let index = state.waiters.firstIndex { $0.id == id }
                let cancelled = index.map { state.waiters.remove(at: $0).continuation }
                // The cancelled waiter may have been blocking smaller ones behind it.
                return (cancelled, state.admitWaiters())
            }
            cancelled?.resume(throwing: CancellationError())
            for continuation in ready { continuation.resume() }
        }
        return count
    }

    /// Returns `count` permits (what `acquire` returned) and wakes the waiters they satisfy.
    func release(_ count: Int = 1) {
        let ready = state.withLock { state in
            state.permits += count
            return state.admitWaiters()
        }
        for continuation in ready { continuation.resume() }
    }
}
