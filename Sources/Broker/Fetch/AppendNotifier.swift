import LogStore
import Synchronization

/// Wakes long-polling fetches when data is appended to a partition they wait on
/// (Fetch's `max_wait_ms` / `min_bytes`).
final class AppendNotifier: Sendable {
    private struct Waiter {
        let id: UInt64
        let partitions: Set<TopicPartition>
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var nextId: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var byPartition: [TopicPartition: Set<UInt64>] = [:]
        /// Waits ended before their continuation was registered.
        var finished: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// Signals every fetch waiting on `partition`.
    func appended(to partition: TopicPartition) {
        let woken = state.withLock { state -> [Waiter] in
            guard let ids = state.byPartition[partition] else { return [] }
            return ids.compactMap { remove($0, from: &state) }
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Returns when any of `partitions` gets data or `timeout` passes, whichever is first.
    /// `isSatisfied` is checked after registering, so an append racing the registration is not missed.
    func wait(for partitions: Set<TopicPartition>, timeout: Duration, isSatisfied: @escaping @Sendable () -> Bool) async {
        guard timeout > .zero, !partitions.isEmpty else { return }
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withCheckedContinuation { continuation in
                    let alreadyOver = state.withLock { state in
                        if state.finished.remove(id) != nil { return true }
                        state.waiters[id] = Waiter(id: id, partitions: partitions, continuation: continuation)
                        for partition in partitions { state.byPartition[partition, default: []].insert(id) }
                        return false
                    }
                    if alreadyOver { continuation.resume() } else if isSatisfied() { resume(id) }
                }
            }
            group.addTask { [self] in
                try? await Task.sleep(for: timeout)
                resume(id)
            }
            await group.next()
            group.cancelAll()
            resume(id)  // whichever finished first, the other side must not stay registered
            await group.waitForAll()
        }
        _ = state.withLock { $0.finished.remove(id) }
    }

    private func resume(_ id: UInt64) {
        state.withLock { state -> Waiter? in
            guard let waiter = remove(id, from: &state) else {
                state.finished.insert(id)
                return nil
            }
            return waiter
        }?.continuation.resume()
    }

    private func remove(_ id: UInt64, from state: inout State) -> Waiter? {
        guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
        for partition in waiter.partitions {
            state.byPartition[partition]?.remove(id)
            if state.byPartition[partition]?.isEmpty == true { state.byPartition[partition] = nil }
        }
        return waiter
    }
}
