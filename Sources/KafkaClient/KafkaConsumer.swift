import CKafka
import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

/// A consumer-group consumer over librdkafka.
///
/// ```
/// let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: "localhost:9092", groupId: "g"))
/// try consumer.subscribe(topics: ["events"])
/// for try await message in consumer.messages {
///     handle(message)
///     try await consumer.commit(message)
/// }
/// ```
///
/// A dedicated thread polls librdkafka and hands events to `events` / `messages`; it pauses
/// when `maximumBufferedEvents` are waiting for the caller.
public final class KafkaConsumer: Sendable, Service {
    let handle: KafkaHandle
    let logger: Logger
    private let poller: ConsumerPollLoop
    /// Blocking librdkafka calls (commit, committed, seek, close) run here, in order, off the
    /// cooperative pool.
    private let blockingQueue = DispatchQueue(label: "tributary.kafka.consumer.blocking")
    private let closed = Atomic<Bool>(false)
    private let closing = Atomic<Bool>(false)
    /// Without auto-commit, a buffered message's offset is not committed, so closing may drop
    /// it (the group hands it out again). With auto-commit librdkafka stored its offset when
    /// it was fetched and commits it at close: it must still be handed out.
    private let dropsBufferedOnClose: Bool

    private let queue = EventQueue()

    public init(configuration: KafkaConsumerConfiguration, logger: Logger = Logger(label: "tributary.kafka.consumer")) throws(KafkaError) {
        self.logger = logger
        dropsBufferedOnClose = !configuration.autoCommit
        let continuation = queue
        let permits = BufferPermits(configuration.maximumBufferedEvents)
        handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, properties: configuration.librdkafkaProperties, logger: logger) { conf, context in
            rd_kafka_conf_set_rebalance_cb(conf) { rk, error, partitions, opaque in
                guard let rk, let opaque else { return }
                let context = Unmanaged<KafkaHandle.HandleContext>.fromOpaque(opaque).takeUnretainedValue()
                context.onRebalance?(rk, error, partitions)
            }
            context.onRebalance = { rk, error, partitions in
                let list = [KafkaTopicPartition](partitions)
                // The event takes a buffer slot like any other (if one is free: never block librdkafka).
                _ = permits.tryTake()
                if error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                    if String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE" {
                        _ = rd_kafka_incremental_assign(rk, partitions)
                    } else {
                        rd_kafka_assign(rk, partitions)
                    }
                    continuation.push(.assigned(list))
                } else {
                    if String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE" {
                        _ = rd_kafka_incremental_unassign(rk, partitions)
                    } else {
                        rd_kafka_assign(rk, nil)
                    }
                    continuation.push(.revoked(list))
                }
            }
        }
        rd_kafka_poll_set_consumer(handle.pointer)
        poller = ConsumerPollLoop(handle: handle, continuation: continuation, permits: permits)
    }

    deinit { close() }

    /// Every event: messages, rebalances, partition EOFs and errors. One task at a time
    /// should iterate `events` or `messages`; leaving a loop and iterating again is fine.
    public var events: KafkaConsumerEvents { KafkaConsumerEvents(queue: queue, permits: poller.permits) }

    /// Only the messages; the sequence ends when the consumer closes.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(events: events) }

    /// Joins the group and subscribes to `topics`.
    public func subscribe(topics: [String]) throws(KafkaError) {
        let list = topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) }.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_subscribe(handle.pointer, list), "subscribe \(topics)")
        poller.start()
    }

    /// Takes these partitions directly, outside group management, starting at each offset.
    public func assign(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = partitions.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_assign(handle.pointer, list), "assign")
        poller.start()
    }

    /// Commits `message`'s offset + 1 and waits for the broker to confirm.
    public func commit(_ message: KafkaConsumerMessage) async throws {
        try await commit([KafkaTopicPartition(topic: message.topic, partition: message.partition, offset: message.offset + 1)])
    }

    /// Commits these offsets (the next offset to read, as Kafka stores them) and waits.
    public func commit(_ offsets: [KafkaTopicPartition]) async throws {
        try await blocking { () throws(KafkaError) in try self.commitSync(offsets) }
    }

    /// Commits the current consumed position of every assigned partition and waits.
    public func commitPositions() async throws {
        try await blocking { () throws(KafkaError) in
            try KafkaError.check(rd_kafka_commit(self.handle.pointer, nil, 0), "commit")
        }
    }

    /// Commits synchronously on the calling thread.
    public func commitSync(_ offsets: [KafkaTopicPartition]) throws(KafkaError) {
        let list = offsets.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_commit(handle.pointer, list, 0), "commit")
        if let error = firstError(in: list) { throw error }
    }

    /// Starts a commit and returns at once; failures are only logged by librdkafka.
    public func commitAsync(_ offsets: [KafkaTopicPartition]) throws(KafkaError) {
        let list = offsets.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_commit(handle.pointer, list, 1), "commit")
    }

    /// The group's committed offsets for these partitions (-1001 where none).
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition] {
        try await blocking { () throws(KafkaError) in
            let list = partitions.makeCList()
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try KafkaError.check(rd_kafka_committed(self.handle.pointer, list, timeout.milliseconds), "committed")
            return [KafkaTopicPartition](list)
        }
    }

    /// The next offset this consumer will read for each partition.
    public func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartition] {
        let list = partitions.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_position(handle.pointer, list), "position")
        return [KafkaTopicPartition](list)
    }

    /// Moves an assigned partition's read position. Messages of that partition already
    /// buffered (fetched before the seek) are dropped.
    public func seek(_ partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws {
        try await blocking { () throws(KafkaError) in
            let list = [partition].makeCList()
            defer { rd_kafka_topic_partition_list_destroy(list) }
            if let error = rd_kafka_seek_partitions(self.handle.pointer, list, timeout.milliseconds) {
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                throw KafkaError(code, message: "seek \(partition)")
            }
            if let error = firstError(in: list) { throw error }
            self.poller.permits.give(self.queue.discardMessages(topic: partition.topic, partition: partition.partition))
        }
    }

    /// Stops fetching these partitions until `resume`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = partitions.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_pause_partitions(handle.pointer, list), "pause")
    }

    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = partitions.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_resume_partitions(handle.pointer, list), "resume")
    }

    /// True once `close()` or `beginClose()` was called: commits fail from then on.
    public var isClosing: Bool { closing.load(ordering: .relaxed) }

    /// Leaves the group (committing if auto-commit is on), stops polling and ends `events`:
    /// at once without auto-commit (buffered messages are dropped, uncommitted), after the
    /// buffered messages with it.
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        stopDelivering()
        poller.stop()
        rd_kafka_consumer_close(handle.pointer)
        queue.finish(dropping: false)
    }

    /// `close()` without holding up the caller's thread: leaving the group takes a round
    /// trip to the coordinator, and up to the session timeout when it cannot be reached.
    /// Returns once the consumer is closed, also when `beginClose()` started it.
    public func shutdown() async {
        _ = try? await blocking { self.close() }
    }

    /// Starts `close()` on the consumer's own queue and returns at once, for callers that
    /// must not wait (a graceful-shutdown handler). Without auto-commit `events` ends at
    /// once: a message still buffered is not handed out, so a caller's loop stops after the
    /// message in hand.
    public func beginClose() {
        stopDelivering()
        blockingQueue.async { self.close() }
    }

    private func stopDelivering() {
        closing.store(true, ordering: .relaxed)
        if dropsBufferedOnClose { queue.finish(dropping: true) }
    }

    /// Runs until graceful shutdown, then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue.async {
                continuation.resume(with: Result { () throws(KafkaError) in try body() })
            }
        }
    }
}

extension Duration {
    var milliseconds: Int32 {
        Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}

/// The thread that polls librdkafka for a consumer and feeds its event stream.
///
/// Each turn waits (up to 100 ms) for one event with `rd_kafka_consumer_poll`, then drains
/// whatever else is ready, up to the free buffer permits, with one
/// `rd_kafka_consume_batch_queue` call and publishes the batch at once: a busy consumer
/// pays for wake-ups per batch, not per message.
final class ConsumerPollLoop: Sendable {
    /// The most events taken from librdkafka in one turn.
    static let batchSize = 512

    let handle: KafkaHandle
    let continuation: EventQueue
    let permits: BufferPermits
    private let state = Mutex<(started: Bool, thread: PollThread?, buffer: PollBuffer?)>((false, nil, nil))

    init(handle: KafkaHandle, continuation: EventQueue, permits: BufferPermits) {
        self.handle = handle
        self.continuation = continuation
        self.permits = permits
    }

    func start() {
        state.withLock { state in
            guard !state.started else { return }
            state.started = true
            let continuation = continuation, permits = permits
            let buffer = PollBuffer(handle: handle, capacity: Self.batchSize)
            state.buffer = buffer
            state.thread = PollThread(name: "rdkafka-consumer-poll") {
                // Back-pressure: wait for the caller to take events before polling for more.
                let taken = permits.take(upTo: Self.batchSize, timeout: 0.1)
                guard taken > 0 else { return }
                let count = buffer.poll(upTo: taken, waitingMilliseconds: 100) { message in
                    continuation.stage(ConsumerPollLoop.event(from: message))
                }
                permits.give(taken - count)
                if count > 0 { continuation.publishStaged() }
            }
        }
    }

    /// Stops the poll thread, then lets go of the consumer queue (before librdkafka is destroyed).
    func stop() {
        let (thread, buffer) = state.withLock { ($0.thread, $0.buffer) }
        thread?.stop()
        buffer?.release()
    }

    /// librdkafka finds a message's headers and timestamp from the pointer it returned, so
    /// the pointer itself (never a copy of the struct) must be passed on.
    static func event(from pointer: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaConsumerEvent {
        let message = pointer.pointee
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        if message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            return .partitionEOF(KafkaTopicPartition(topic: topic, partition: message.partition, offset: message.offset))
        }
        if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            var text = String(cString: rd_kafka_err2str(message.err))
            if let payload = message.payload, message.len > 0 {
                text = String(decoding: UnsafeRawBufferPointer(start: payload, count: message.len), as: UTF8.self)
            }
            return .error(KafkaError(message.err, message: text))
        }
        let value = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) }
        let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(pointer, &type)
        return .message(KafkaConsumerMessage(topic: topic, partition: message.partition, offset: message.offset,
                                             key: key, value: value, headers: headers(of: pointer), timestamp: timestamp))
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var headers: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "",
                                       value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
            index += 1
        }
        return headers
    }
}

/// A consumer's events as an `AsyncSequence`; taking one lets the poll thread fetch more.
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    let queue: EventQueue
    let permits: BufferPermits

    public struct AsyncIterator: AsyncIteratorProtocol {
        let queue: EventQueue
        let permits: BufferPermits

        public mutating func next() async -> KafkaConsumerEvent? {
            guard let event = await queue.next() else { return nil }
            permits.give()
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(queue: queue, permits: permits)
    }
}

/// The messages of a consumer's events.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage
    let events: KafkaConsumerEvents

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: KafkaConsumerEvents.AsyncIterator

        public mutating func next() async -> KafkaConsumerMessage? {
            while let event = await inner.next() {
                if case let .message(message) = event { return message }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: events.makeAsyncIterator())
    }
}

/// The consumer queue and an array for `rd_kafka_consume_batch_queue`, used only by the poll
/// thread, and released by `stop()` once that thread has ended.
final class PollBuffer: @unchecked Sendable {
    // @unchecked: touched by the poll thread only, and by `release` after it stopped.
    private let handle: KafkaHandle
    private var queue: OpaquePointer?
    private let messages: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private let capacity: Int

    init(handle: KafkaHandle, capacity: Int) {
        self.handle = handle
        queue = rd_kafka_queue_get_consumer(handle.pointer)
        self.capacity = capacity
        messages = .allocate(capacity: capacity)
    }

    deinit { messages.deallocate() }

    /// Waits up to `waitingMilliseconds` for one event, then takes whatever else is ready
    /// without waiting, at most `limit` in all; hands each to `body` and returns how many.
    func poll(upTo limit: Int, waitingMilliseconds: Int32,
              _ body: (UnsafeMutablePointer<rd_kafka_message_t>) -> Void) -> Int {
        guard limit > 0, let first = rd_kafka_consumer_poll(handle.pointer, waitingMilliseconds) else { return 0 }
        body(first)
        rd_kafka_message_destroy(first)
        guard let queue, limit > 1 else { return 1 }
        let count = rd_kafka_consume_batch_queue(queue, 0, messages, min(limit - 1, capacity))
        var handed = 1
        for index in 0..<max(count, 0) {
            guard let message = messages[index] else { continue }
            body(message)
            rd_kafka_message_destroy(message)
            handed += 1
        }
        return handed
    }

    func release() {
        if let queue { rd_kafka_queue_destroy(queue) }
        queue = nil
    }
}
