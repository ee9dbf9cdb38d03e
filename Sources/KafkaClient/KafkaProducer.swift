import CKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A Kafka producer over librdkafka.
///
/// ```
/// let producer = try KafkaProducer(configuration: .init(bootstrapServers: "localhost:9092"))
/// let report = try await producer.send(KafkaProducerMessage(topic: "events", key: "k", value: "v"))
/// await producer.shutdown()  // or close() outside async code
/// ```
///
/// A background thread serves librdkafka's callbacks, unless the configuration leaves that to
/// the caller (``DeliveryReportPolling/caller``). As a swift-service-lifecycle
/// `Service`, it runs until graceful shutdown, then flushes and closes.
public final class KafkaProducer: Sendable, Service {
    let handle: KafkaHandle
    let logger: Logger
    private let topics: KafkaTopicHandles
    /// Nil when the caller polls (``DeliveryReportPolling/caller``).
    private let poller: PollThread?
    /// Where `shutdown()` waits for the flush, off the cooperative pool; serial, so a second
    /// shutdown returns after the first has finished.
    private let closingQueue = DispatchQueue(label: "tributary.kafka.producer.close")
    /// Set once `close()` begins; enqueues that see it are refused.
    private let closing = Atomic<Bool>(false)
    /// Enqueues between their `closing` check and librdkafka's answer. `close()` waits for
    /// none to be left before its last poll, so every accepted message gets its report.
    private let enqueuing = Atomic<Int>(0)
    /// Serialises concurrent `close()` calls: the second returns after the first is done.
    private let closeLock = Mutex<Void>(())

    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "tributary.kafka.producer")) throws(KafkaError) {
        self.logger = logger
        handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.librdkafkaProperties, logger: logger) { conf, _ in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let opaque = message.pointee._private else { return }
                let handler = Unmanaged<KafkaDeliveryHandler>.fromOpaque(opaque).takeRetainedValue()
                guard let deliver = handler.deliver else { return }
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                    deliver(.success(DeliveryReport(topic: topic, partition: message.pointee.partition,
                                                    offset: message.pointee.offset)))
                } else {
                    deliver(.failure(KafkaError(message.pointee.err)))
                }
            }
        }
        let handle = handle
        topics = KafkaTopicHandles(client: handle)
        switch configuration.deliveryReports {
        case .background: poller = PollThread(name: "rdkafka-producer-poll") { rd_kafka_poll(handle.pointer, 100) }
        case .caller: poller = nil
        }
    }

    deinit { close() }

    /// Sends a message and returns once the broker acknowledged it (per `acks`).
    public func send(_ message: KafkaProducerMessage) async throws -> DeliveryReport {
        try await enqueue(message).report()
    }

    /// Queues a message now and returns a handle to its delivery report, so many messages
    /// can be in flight while keeping the order they were queued in.
    public func enqueue(_ message: KafkaProducerMessage) throws(KafkaError) -> PendingDelivery {
        let pending = PendingDelivery()
        try enqueue(message, handler: KafkaDeliveryHandler { pending.fulfil($0) })
        return pending
    }

    /// Queues a message now and calls `onDelivery` with its delivery report, in the order
    /// the messages were queued per partition, on the thread that serves reports (keep it short).
    ///
    /// Unlike ``enqueue(_:)`` this needs no task or continuation per message; to spare the
    /// closure's allocation too, share one ``KafkaDeliveryHandler`` with ``enqueue(_:handler:)``.
    public func enqueue(_ message: KafkaProducerMessage,
                        onDelivery: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) throws(KafkaError) {
        try enqueue(message, handler: KafkaDeliveryHandler(onDelivery))
    }

    /// Queues a message whose delivery report goes to `handler`, which many messages can
    /// share: the cheapest way to produce at a high rate. Throws a ``KafkaError`` with
    /// ``KafkaError/isQueueFull`` when `queue.buffering.max.messages` are already waiting.
    public func enqueue(_ message: KafkaProducerMessage, handler: KafkaDeliveryHandler) throws(KafkaError) {
        // The message holds a reference until its report is served (or the enqueue fails).
        let opaque = Unmanaged.passRetained(handler)
        do {
            try enqueue(message, opaque: opaque.toOpaque())
        } catch {
            opaque.release()
            throw error
        }
    }

    /// Queues a message without waiting for its delivery report; failures are only logged
    /// by librdkafka. Throws if the local queue refuses it (full, unknown partition).
    public func sendAndForget(_ message: KafkaProducerMessage) throws(KafkaError) {
        try enqueue(message, handler: .ignoring)
    }

    private func enqueue(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer) throws(KafkaError) {
        // Sequentially consistent with `close()`'s store and load: either this enqueue sees
        // `closing`, or `close()` sees it counted and waits for it.
        enqueuing.add(1, ordering: .sequentiallyConsistent)
        defer { enqueuing.subtract(1, ordering: .sequentiallyConsistent) }
        guard !closing.load(ordering: .sequentiallyConsistent) else { throw KafkaError.invalid("producer is closed") }
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                _ = header.value.withUnsafeBufferPointerIfPresent { value in
                    rd_kafka_header_add(headers, header.key, -1, value?.baseAddress, value?.count ?? 0)
                }
            }
        }
        let partition = message.partition ?? RD_KAFKA_PARTITION_UA
        let topicHandle = topics.handle(for: message.topic)
        let error = message.key.withUnsafeBufferPointerIfPresent { key in
            message.value.withUnsafeBufferPointerIfPresent { value in
                func produce(named topic: UnsafePointer<CChar>?) -> rd_kafka_resp_err_t {
                    ckafka_produce(handle.pointer, topicHandle, topic, partition,
                                   key?.baseAddress, key?.count ?? 0, value?.baseAddress, value?.count ?? 0, headers, opaque)
                }
                // With a handle, no C copy of the name: a String passed as a C string is
                // copied into a new array on every call. Without one (librdkafka refuses the
                // name), by name, for librdkafka's own error.
                return topicHandle != nil ? produce(named: nil) : message.topic.withCString(produce(named:))
            }
        }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            if let headers { rd_kafka_headers_destroy(headers) }
            throw KafkaError(error, message: "produce to \(message.topic): \(String(cString: rd_kafka_err2str(error)))")
        }
    }

    /// Serves the delivery reports that are ready, waiting up to `timeout` for the first;
    /// returns how many events were served. A producer configured with
    /// ``DeliveryReportPolling/caller`` must be polled regularly: until it is, reports wait
    /// and their messages stay in librdkafka's queue.
    @discardableResult
    public func poll(timeout: Duration = .zero) -> Int {
        Int(rd_kafka_poll(handle.pointer, timeout.milliseconds))
    }

    /// Waits until every queued message is delivered or failed, or `timeout` passes,
    /// serving delivery reports meanwhile.
    public func flush(timeout: Duration = .seconds(30)) throws(KafkaError) {
        try KafkaError.check(rd_kafka_flush(handle.pointer, timeout.milliseconds), "flush")
    }

    /// Refuses further messages, flushes (up to 10 s) and stops the poll thread. Messages
    /// still queued then fail; each gets its report.
    public func close() {
        closeLock.withLock { _ in
            guard !closing.exchange(true, ordering: .sequentiallyConsistent) else { return }
            while enqueuing.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
            try? flush(timeout: .seconds(10))
            poller?.stop()
            // Serve the last delivery reports (including failures) so no continuation is left waiting.
            rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
            rd_kafka_poll(handle.pointer, 0)
        }
    }

    /// `close()` without holding up the caller's thread for the flush (up to 10 s).
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            closingQueue.async {
                self.close()
                continuation.resume()
            }
        }
    }

    /// Runs until graceful shutdown, then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// Where delivery reports go: a callback run on the producer's poll thread, which any
/// number of messages can share.
public final class KafkaDeliveryHandler: Sendable {
    let deliver: (@Sendable (Result<DeliveryReport, KafkaError>) -> Void)?

    public init(_ deliver: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) {
        self.deliver = deliver
    }

    private init() { deliver = nil }

    /// Drops every report (``KafkaProducer/sendAndForget(_:)``).
    static let ignoring = KafkaDeliveryHandler()
}

/// A message's delivery report, to await once or many times.
public final class PendingDelivery: Sendable {
    private let state = Mutex<(result: Result<DeliveryReport, KafkaError>?, waiters: [CheckedContinuation<DeliveryReport, any Error>])>((nil, []))

    func fulfil(_ result: Result<DeliveryReport, KafkaError>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    /// Where the message landed, once the broker acknowledged it.
    public func report() async throws -> DeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<DeliveryReport, KafkaError>? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        switch self {
        case .none: body(nil)
        case let .some(bytes): bytes.withUnsafeBufferPointer { body($0) }
        }
    }
}

/// A thread that calls `body` in a loop until stopped: librdkafka's callbacks are served
/// from here, never from Swift's cooperative pool.
final class PollThread: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while isRunning { body() }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    var isRunning: Bool { running.load(ordering: .relaxed) }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        finished.wait()
    }
}
