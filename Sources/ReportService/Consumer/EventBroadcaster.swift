import ServiceLifecycle
import Synchronization

/// Hands every newly stored event to the live subscribers (Server-Sent Events).
public final class EventBroadcaster: Sendable {
    private let subscribers = Mutex<(open: Bool, streams: [Int: AsyncStream<StoredEvent>.Continuation])>((true, [:]))
    private let nextId = Atomic<Int>(0)

    /// How many events a subscriber that is not reading keeps; older ones are dropped.
    public static let liveBuffer = 1_000

    public init() {}

    /// A stream of events stored from now on; ends when the caller stops iterating or the
    /// service shuts down.
    public func subscribe() -> AsyncStream<StoredEvent> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<StoredEvent>.makeStream(bufferingPolicy: .bufferingNewest(Self.liveBuffer))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        let open = subscribers.withLock { state in
            if state.open { state.streams[id] = continuation }
            return state.open
        }
        if !open { continuation.finish() }
        return stream
    }

    /// Ends every stream, now and for later subscribers: an open Server-Sent Events response
    /// must not hold up a graceful shutdown.
    public func finishAll() {
        let streams = subscribers.withLock { state in
            state.open = false
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.finish() }
    }

    public func publish(_ event: StoredEvent) {
        for continuation in subscribers.withLock({ Array($0.streams.values) }) { continuation.yield(event) }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.streams.count } }
}

/// Ends the live streams when shutdown starts, before the HTTP server waits for its
/// requests to finish.
struct StreamCloser: Service {
    let broadcaster: EventBroadcaster

    func run() async throws {
        try? await gracefulShutdown()
        broadcaster.finishAll()
    }
}
