import Synchronization

/// Hands out idempotent-producer ids (InitProducerId) that are never reused, even across
/// crashes: ids are reserved in blocks, and a block is durable before any id in it is used.
public final class ProducerIdAllocator: Sendable {
    static let blockSize: Int64 = 1000
    let path: String
    private let state: Mutex<(next: Int64, blockEnd: Int64)>

    init(path: String) throws(LogStoreError) {
        self.path = path
        let start = CheckedInteger.read(from: path) ?? 0
        // Ids of the block reserved by the last run may have been handed out: skip them all.
        state = Mutex((start, start))
    }

    /// Never hands out `id` or anything below it: called with the highest id the partitions
    /// remember, in case the `producer-ids` file was lost or corrupt (a reused id could match
    /// an old producer's retained batches and be answered as a duplicate, never written).
    func reserve(through id: Int64) {
        state.withLock { state in
            guard id >= state.next else { return }
            state.next = id + 1
            state.blockEnd = max(state.blockEnd, state.next)
        }
    }

    /// A producer id no one has had before.
    public func next() throws(LogStoreError) -> Int64 {
        try state.withLock { (state) throws(LogStoreError) -> Int64 in
            if state.next >= state.blockEnd {
                let end = state.blockEnd + Self.blockSize
                try CheckedInteger.write(end, to: path)
                state.blockEnd = end
            }
            defer { state.next += 1 }
            return state.next
        }
    }
}
