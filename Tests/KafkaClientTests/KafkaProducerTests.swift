import Foundation
import KafkaClient
import Testing
import TestSupport

@Suite struct KafkaProducerTests {
    @Test func sendReturnsDeliveryReportsWithOffsets() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("reports", partitions: 3)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        defer { producer.close() }
        var offsets: [Int64] = []
        for index in 0..<5 {
            let report = try await producer.send(KafkaProducerMessage(
                topic: "reports", partition: 1, key: "k\(index)", value: "v\(index)", headers: [KafkaHeader(key: "h", value: "x")]))
            #expect(report.topic == "reports" && report.partition == 1)
            offsets.append(report.offset)
        }
        #expect(offsets == [0, 1, 2, 3, 4])
        try producer.sendAndForget(KafkaProducerMessage(topic: "reports", partition: 2, value: "fire"))
        try producer.flush(timeout: .seconds(10))
    }

    @Test func enqueuedMessagesKeepTheirOrder() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("ordered", partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        defer { producer.close() }
        let pending = try (0..<500).map { try producer.enqueue(KafkaProducerMessage(topic: "ordered", value: "m\($0)")) }
        var offsets: [Int64] = []
        for delivery in pending { offsets.append(try await delivery.report().offset) }
        #expect(offsets == (0..<500).map(Int64.init))
    }

    @Test func oneProducerInterleavesTopicsAndRefusesANameLibrdkafkaRefuses() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("first", partitions: 1)
        try cluster.createTopic("second", partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        defer { producer.close() }
        let pending = try (0..<20).map { index in
            try producer.enqueue(KafkaProducerMessage(topic: index % 2 == 0 ? "first" : "second", value: "m\(index)"))
        }
        var offsets: [String: [Int64]] = [:]
        for delivery in pending {
            let report = try await delivery.report()
            offsets[report.topic, default: []].append(report.offset)
        }
        #expect(offsets == ["first": Array(0..<10), "second": Array(0..<10)])
        // Longer than librdkafka takes (512 bytes): an error, by either way of naming the topic.
        let tooLong = String(repeating: "t", count: 600)
        #expect(throws: KafkaError.self) { try producer.sendAndForget(KafkaProducerMessage(topic: tooLong, value: "x")) }
    }

    @Test func shutdownDeliversWhatWasQueuedAndIsIdempotent() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("closing", partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        let pending = try (0..<200).map { try producer.enqueue(KafkaProducerMessage(topic: "closing", value: "m\($0)")) }
        try await withTimeout {
            await producer.shutdown()
            await producer.shutdown()
        }
        // Flushed before the poll thread stopped: every report is already there.
        var offsets: [Int64] = []
        for delivery in pending { offsets.append(try await delivery.report().offset) }
        #expect(offsets == (0..<200).map(Int64.init))
    }

    @Test func deliveryCallbacksArriveOncePerMessageInOrder() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("callbacks", partitions: 2)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        defer { producer.close() }
        let reports = LockedBox<[Int32: [Int64]]>([:])
        for index in 0..<400 {
            try producer.enqueue(KafkaProducerMessage(topic: "callbacks", partition: Int32(index % 2), value: "m\(index)")) { result in
                guard case let .success(report) = result else { return }
                reports.withLock { $0[report.partition, default: []].append(report.offset) }
            }
        }
        try producer.flush(timeout: .seconds(10))
        let expected: [Int64] = Array(0..<200)
        let delivered = reports.withLock { $0 }
        #expect(delivered[0] == expected)
        #expect(delivered[1] == expected)
    }

    @Test func oneSharedHandlerHearsEveryMessage() async throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("shared", partitions: 1)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        defer { producer.close() }
        let offsets = LockedBox<[Int64]>([])
        let handler = KafkaDeliveryHandler { result in
            if case let .success(report) = result { offsets.withLock { $0.append(report.offset) } }
        }
        for index in 0..<300 { try producer.enqueue(KafkaProducerMessage(topic: "shared", value: "m\(index)"), handler: handler) }
        try producer.flush(timeout: .seconds(10))
        #expect(offsets.withLock { $0 } == Array(0..<300))
    }

    /// With caller polling, no thread of the producer's runs handlers: reports wait until the
    /// caller polls (or flushes), then all arrive on the caller's thread, in order.
    @Test func callerPollingServesReportsOnlyOnTheCallersThread() throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("polled", partitions: 1)
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.deliveryReports = .caller
        let producer = try KafkaProducer(configuration: configuration)
        defer { producer.close() }
        let caller = pthread_self()
        let seen = LockedBox((offsets: [Int64](), elsewhere: 0))
        let handler = KafkaDeliveryHandler { result in
            seen.withLock { seen in
                if pthread_equal(pthread_self(), caller) == 0 { seen.elsewhere += 1 }
                if case let .success(report) = result { seen.offsets.append(report.offset) }
            }
        }
        for index in 0..<100 { try producer.enqueue(KafkaProducerMessage(topic: "polled", value: "m\(index)"), handler: handler) }
        // Long enough for the mock to acknowledge them all; nobody polls meanwhile.
        usleep(300_000)
        #expect(seen.withLock { $0.offsets.isEmpty })
        var served = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.withLock({ $0.offsets.count }) < 100, ContinuousClock.now < deadline {
            served += producer.poll(timeout: .milliseconds(100))
        }
        #expect(served > 0)
        for index in 100..<150 { try producer.enqueue(KafkaProducerMessage(topic: "polled", value: "m\(index)"), handler: handler) }
        try producer.flush(timeout: .seconds(10))
        let result = seen.withLock { $0 }
        #expect(result.offsets == Array(0..<150))
        #expect(result.elsewhere == 0)
    }

    /// Threads queue messages flat out while the producer closes: once `close()` returns,
    /// every message it accepted has had exactly one report, and every later one is refused.
    @Test func closingWhileOtherThreadsEnqueueLeavesNoMessageWithoutAReport() throws {
        let cluster = try MockKafkaCluster()
        try cluster.createTopic("racing", partitions: 2)
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        let counts = LockedBox((accepted: 0, reports: 0, refused: 0))
        let handler = KafkaDeliveryHandler { _ in counts.withLock { $0.reports += 1 } }
        let finished = DispatchSemaphore(value: 0)
        let threads = 3
        // Many headers make each enqueue long, so some are under way while close() runs.
        let message = KafkaProducerMessage(topic: "racing", value: "m",
                                           headers: (0..<2_000).map { KafkaHeader(key: "h\($0)", value: "v") })
        for _ in 0..<threads {
            Thread {
                while true {
                    do throws(KafkaError) {
                        try producer.enqueue(message, handler: handler)
                        counts.withLock { $0.accepted += 1 }
                    } catch where error.isQueueFull {
                        usleep(100)
                    } catch {
                        // Refused because the producer closed, not for some other reason.
                        if error.message == "producer is closed" { counts.withLock { $0.refused += 1 } }
                        break
                    }
                }
                finished.signal()
            }.start()
        }
        usleep(50_000)
        producer.close()
        let atClose = counts.withLock { $0 }
        for _ in 0..<threads { finished.wait() }
        let after = counts.withLock { $0 }
        #expect(atClose.accepted > 0)
        #expect(atClose.reports == atClose.accepted)
        #expect(after.accepted == atClose.accepted && after.reports == atClose.reports)
        #expect(after.refused == threads)
    }

    @Test func aFullLocalQueueIsReportedAsQueueFull() throws {
        let producer = try unreachableProducer(queueLimit: 10)
        defer { producer.close() }
        for index in 0..<10 { try producer.sendAndForget(KafkaProducerMessage(topic: "nowhere", value: "m\(index)")) }
        do {
            try producer.sendAndForget(KafkaProducerMessage(topic: "nowhere", value: "one too many"))
            Issue.record("the 11th message was queued")
        } catch {
            #expect(error.isQueueFull)
        }
    }

    @Test func aFailedDeliveryReachesItsCallback() async throws {
        let producer = try unreachableProducer()
        defer { producer.close() }
        let failures = LockedBox<[KafkaError]>([])
        try producer.enqueue(KafkaProducerMessage(topic: "nowhere", value: "x")) { result in
            if case let .failure(error) = result { failures.withLock { $0.append(error) } }
        }
        // The message times out after 500 ms; flush returns once its report was served.
        try producer.flush(timeout: .seconds(5))
        #expect(failures.withLock { $0.count } == 1)
    }

    @Test func anUnreachableBrokerFailsDeliveryWithAKafkaError() async throws {
        let producer = try unreachableProducer()
        defer { producer.close() }
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: "nowhere", value: "x"))
        }
    }

    /// A producer whose messages can only fail: nothing listens on port 1; they time out after 500 ms.
    private func unreachableProducer(queueLimit: Int? = nil) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.messageTimeoutMs = 500
        configuration.idempotence = false
        if let queueLimit { configuration.properties["queue.buffering.max.messages"] = String(queueLimit) }
        return try KafkaProducer(configuration: configuration)
    }

    @Test func badConfigurationIsRefusedUpFront() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.properties["no.such.property"] = "1"
        #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
    }
}
