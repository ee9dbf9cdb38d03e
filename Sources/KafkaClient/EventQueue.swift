import Synchronization

/// The consumer's event buffer: filled by the poll thread, drained by whoever iterates
/// `events` or `messages`. Unlike an `AsyncStream`, leaving a `for await` loop (or
/// cancelling the task in it) does not end the queue: the consumer can be iterated again.
final class EventQueue: Sendable {
    private struct State {
        var events: [KafkaConsumerEvent] = []
        var staged: [KafkaConsumerEvent] = []
        var head = 0
        var finished = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<KafkaConsumerEvent?, Never>)?
        var nextWaiterId: UInt64 = 0

        mutating func popFirst() -> KafkaConsumerEvent? {
            guard head < events.count else { return nil }
            let event = events[head]
            head += 1
            if head > 1024, head * 2 > events.count {
                events.removeFirst(head)
                head = 0
            }
            return event
        }
    }

    private let state = Mutex(State())

    /// Publishes the staged events, then `event`.
    func push(_ event: KafkaConsumerEvent) {
        publish { $0.staged.append(event) }
    }

    /// Holds an event back until the next `publishStaged` or `push`, which keep the order:
    /// the poll thread stages a batch of messages, and a rebalance event that librdkafka
    /// raises while that batch is drained comes after them, as it did in librdkafka.
    func stage(_ event: KafkaConsumerEvent) {
        state.withLock { $0.staged.append(event) }
    }

    func publishStaged() {
        publish { _ in }
    }

    private func publish(_ body: (inout State) -> Void) {
        let handoff = state.withLock { state -> (CheckedContinuation<KafkaConsumerEvent?, Never>, KafkaConsumerEvent)? in
            body(&state)
            guard !state.finished else { state.staged = []; return nil }
            state.events.append(contentsOf: state.staged)
            state.staged.removeAll(keepingCapacity: true)
            guard let waiter = state.waiter, let event = state.popFirst() else { return nil }
            state.waiter = nil
            return (waiter.continuation, event)
        }
        if let (waiter, event) = handoff { waiter.resume(returning: event) }
    }

    /// Drops buffered messages of one partition (after a seek, they are stale). Returns how many.
    func discardMessages(topic: String, partition: Int32) -> Int {
        let keep = { (event: KafkaConsumerEvent) -> Bool in
            if case let .message(message) = event { return !(message.topic == topic && message.partition == partition) }
            return true
        }
        return state.withLock { state in
            let before = state.events.count - state.head + state.staged.count
            state.events = Array(state.events[state.head...]).filter(keep)
            state.staged = state.staged.filter(keep)
            state.head = 0
            return before - state.events.count - state.staged.count
        }
    }

    /// Ends the queue: a waiting `next()` gets nil, and so does every later one once the
    /// events already buffered are taken, or at once when `dropping` them.
    func finish(dropping: Bool) {
        let waiter = state.withLock { state in
            state.finished = true
            if dropping {
                state.events = []
                state.staged = []
                state.head = 0
            }
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// The next event; nil when the consumer closed or the calling task was cancelled.
    func next() async -> KafkaConsumerEvent? {
        // Fast path: a buffered event needs no continuation (nor a waiter id).
        let (buffered, id) = state.withLock { state -> (KafkaConsumerEvent?, UInt64) in
            if let event = state.popFirst() { return (event, 0) }
            defer { state.nextWaiterId += 1 }
            return (nil, state.nextWaiterId)
        }
        if let buffered { return buffered }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: KafkaConsumerEvent?? = state.withLock { state in
                    if let event = state.popFirst() { return .some(event) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = (id, continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<KafkaConsumerEvent?, Never>? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume(returning: nil)
        }
    }
}
