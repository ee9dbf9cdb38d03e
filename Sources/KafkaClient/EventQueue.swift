import Synchronization

/// The consumer's event buffer: filled by the poll thread, drained by whoever iterates
/// `events` or `messages`. Unlike an `AsyncStream`, leaving a `for await` loop (or
/// cancelling the task in it) does not end the queue: the consumer can be iterated again.
final class EventQueue: Sendable {
    private struct State {
        var events: [KafkaConsumerEvent] = []
        var head = 0
        var finished = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<KafkaConsumerEvent?, Never>)?
        var nextWaiterId: UInt64 = 0
    }

    private let state = Mutex(State())

    func push(_ event: KafkaConsumerEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<KafkaConsumerEvent?, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.events.append(event)
            return nil
        }
        waiter?.resume(returning: event)
    }

    /// Drops buffered messages of one partition (after a seek, they are stale). Returns how many.
    func discardMessages(topic: String, partition: Int32) -> Int {
        state.withLock { state in
            let before = state.events.count - state.head
            state.events = Array(state.events[state.head...]).filter { event in
                if case let .message(message) = event { return !(message.topic == topic && message.partition == partition) }
                return true
            }
            state.head = 0
            return before - state.events.count
        }
    }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// The next event; nil when the consumer closed or the calling task was cancelled.
    func next() async -> KafkaConsumerEvent? {
        let id = state.withLock { state in
            defer { state.nextWaiterId += 1 }
            return state.nextWaiterId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: KafkaConsumerEvent?? = state.withLock { state in
                    if state.head < state.events.count {
                        let event = state.events[state.head]
                        state.head += 1
                        if state.head > 1024, state.head * 2 > state.events.count {
                            state.events.removeFirst(state.head)
                            state.head = 0
                        }
                        return .some(event)
                    }
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
