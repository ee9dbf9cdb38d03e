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
final class WriteOrder: Sendable {
    private struct State {
        var issued: UInt64 = 0
        /// Every turn below this one is finished.
        var current: UInt64 = 0
        /// Turns finished ahead of `current`.
        var finishedAhead: Set<UInt64> = []
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
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

    fileprivate func wait(for number: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard number > state.current, !state.finishedAhead.contains(number) else { return true }
                state.waiters[number] = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    fileprivate func finish(_ number: UInt64) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard number >= state.current, !state.finishedAhead.contains(number) else { return nil }
            guard number == state.current else {
                state.finishedAhead.insert(number)
                return nil
            }
            state.current += 1
            while state.finishedAhead.remove(state.current) != nil { state.current += 1 }
            return state.waiters.removeValue(forKey: state.current)
        }
        next?.resume()
    }
}

/// One request's place in its connection's `WriteOrder`.
public struct WriteTurn: Sendable {
    fileprivate let order: WriteOrder
    fileprivate let number: UInt64

    /// Returns once every writing request that arrived earlier on the connection has written.
    public func wait() async { await order.wait(for: number) }

    /// Lets the next writing request write. Idempotent.
    public func finish() { order.finish(number) }
}
