import Synchronization

/// Connections open across every listener of one broker, so that `--max-connections` holds
/// for the broker as a whole, as Kafka's `max.connections` does, however many listeners
/// share it.
public final class ConnectionTally: Sendable {
    private let open = Atomic<Int>(0)

    public init() {}

    /// Connections open now.
    public var count: Int { open.load(ordering: .relaxed) }

    /// Counts one more connection unless `limit` are open already; returns whether it did.
    /// Listeners accept concurrently, so the check and the count are one step.
    func reserve(limit: Int) -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Counts a reserved connection as closed.
    func release() {
        open.subtract(1, ordering: .relaxed)
    }
}
