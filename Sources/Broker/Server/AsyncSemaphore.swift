import Synchronization

/// Counts permits; `acquire` suspends until enough are free, first come first served.
/// Bounds a connection's pipelined requests (one permit each) and the bytes they hold (one
/// permit per byte), so a client that never reads its responses cannot make the broker
/// buffer without limit.
final class AsyncSemaphore: Sendable {
    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var permits: Int
        var waiters: [Waiter] = []

        /// Takes `count` permits unless someone queued earlier: a big request must not starve.
        mutating func take(_ count: Int) -> Bool {
            guard waiters.isEmpty, permits >= count else { return false }
            permits -= count
            return true
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
    @discardableResult
    func acquire(_ count: Int = 1) async -> Int {
        let count = min(max(count, 1), capacity)
        if state.withLock({ $0.take(count) }) { return count }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.take(count) { return true }
                state.waiters.append(Waiter(count: count, continuation: continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return count
    }

    /// Returns `count` permits (what `acquire` returned) and wakes the waiters they satisfy.
    func release(_ count: Int = 1) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.permits += count
            var ready: [CheckedContinuation<Void, Never>] = []
            while let first = state.waiters.first, first.count <= state.permits {
                state.permits -= first.count
                ready.append(first.continuation)
                state.waiters.removeFirst()
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}
