import Synchronization

/// Hands every newly stored event to the live subscribers (Server-Sent Events).
public final class EventBroadcaster: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<StoredEvent>.Continuation]>([:])
    private let nextId = Atomic<Int>(0)

    public init() {}

    /// A stream of events stored from now on; ends when the caller stops iterating.
    public func subscribe() -> AsyncStream<StoredEvent> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<StoredEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    public func publish(_ event: StoredEvent) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
