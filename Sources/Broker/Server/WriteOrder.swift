import Synchronization

/// Keeps the writes of one connection's requests (Produce appends, OffsetCommit,
/// LeaveGroup) in the order the requests arrived, while everything else about them
/// (decoding, CRC checks, waiting for the fsync of an append) runs concurrently. Kafka
/// handles a connection's requests in order, and clients rely on it: librdkafka keeps
/// several produce requests to a partition in flight, an idempotent producer's sequence
/// numbers are only valid in that order, a consumer's asynchronous commits must not land
/// older-last, and a commit sent just before a LeaveGroup must find the member still there.
///
/// The reader takes a turn for each such request as it arrives; the request waits for its
/// turn before writing and finishes it right after. A turn can be finished more than once
/// and before its wait (a request that fails early), so the connection finishes every turn
/// when its request ends, whatever happened, and no later request waits for ever.
///
/// Every other request gets a barrier instead: it waits for the writes that arrived before
/// it, so a Fetch or ListOffsets sent right behind a Produce sees the produced batch and a
/// JoinGroup sees the commits sent before it, while later writes need not wait for it (a
/// JoinGroup can wait for a whole rebalance). Everything waits only for requests that
/// arrived earlier, so nothing can wait in a cycle.
final class WriteOrder: Sendable {
    private struct State {
        var issued: UInt64 = 0
        /// Every turn below this one is finished.
        var current: UInt64 = 0
        /// Turns finished ahead of `current`.
        var finishedAhead: Set<UInt64> = []
        /// Continuations to resume once `current` reaches the key.
        var waiters: [UInt64: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    /// The next turn, in arrival order. Called by the connection's reader only.
    func nextTurn() -> WriteTurn {
        let number = state.withLock { state in
            defer { state.issued += 1 }
            return state.issued
        }
        return WriteTurn(order: self, number: number)
    }

    /// A barrier behind every turn issued so far; nil when they are all finished. Called by
    /// the connection's reader only.
    func barrier() -> WriteBarrier? {
        let issued = state.withLock { state in state.current < state.issued ? state.issued : nil }
        return issued.map { WriteBarrier(order: self, number: $0) }
    }

    /// Returns once every turn below `number` is finished, or, for a turn (`isTurn`), once
    /// turn `number` itself is (a request that failed before its wait).
    fileprivate func wait(for number: UInt64, isTurn: Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard number > state.current, !(isTurn && state.finishedAhead.contains(number)) else { return true }
                state.waiters[number, default: []].append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    fileprivate func finish(_ number: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard number >= state.current, !state.finishedAhead.contains(number) else { return [] }
            guard number == state.current else {
                state.finishedAhead.insert(number)
                return []
            }
            // `current` may jump over turns that finished early; barriers may wait at any of them.
            var ready = state.waiters.removeValue(forKey: state.current + 1) ?? []
            state.current += 1
            while state.finishedAhead.remove(state.current) != nil {
                state.current += 1
                ready += state.waiters.removeValue(forKey: state.current) ?? []
            }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }
}

/// What a request that does not write waits for: the writes that arrived before it on its
/// connection (see `WriteOrder`).
public struct WriteBarrier: Sendable {
    fileprivate let order: WriteOrder
    fileprivate let number: UInt64

    /// Returns once every writing request that arrived earlier on the connection has written.
    public func wait() async { await order.wait(for: number, isTurn: false) }
}

/// One request's place in its connection's `WriteOrder`.
public struct WriteTurn: Sendable {
    fileprivate let order: WriteOrder
    fileprivate let number: UInt64

    /// Returns once every writing request that arrived earlier on the connection has written.
    public func wait() async { await order.wait(for: number, isTurn: true) }

    /// Lets the next writing request write. Idempotent.
    public func finish() { order.finish(number) }
}
