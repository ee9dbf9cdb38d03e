import KafkaClient
import Testing

/// Runs `body` but gives up after `seconds`: no client test can hang the suite.
func withTimeout<T: Sendable>(_ seconds: Int = 30, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let result = try await group.next(), let value = result else { throw TimedOut() }
        return value
    }
}

struct TimedOut: Error {}

/// A mock cluster with `topic` holding `count` messages "m0"… spread over `partitions`.
func seededCluster(topic: String, partitions: Int32 = 3, count: Int = 30) async throws -> MockKafkaCluster {
    let cluster = try MockKafkaCluster()
    try cluster.createTopic(topic, partitions: partitions)
    let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
    for index in 0..<count {
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: Int32(index) % partitions, key: "k\(index)", value: "m\(index)"))
    }
    producer.close()
    return cluster
}

func collect(_ count: Int, from consumer: KafkaConsumer) async throws -> [KafkaConsumerMessage] {
    try await withTimeout {
        var messages: [KafkaConsumerMessage] = []
        for await message in consumer.messages {
            messages.append(message)
            if messages.count == count { break }
        }
        return messages
    }
}

@Suite struct KafkaConsumerTests {
    @Test func groupConsumerReadsEverythingAndCommits() async throws {
        let cluster = try await seededCluster(topic: "orders")
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "g1")
        configuration.maximumBufferedEvents = 4  // back-pressure on: still reads everything
        let consumer = try KafkaConsumer(configuration: configuration)
        defer { consumer.close() }
        try consumer.subscribe(topics: ["orders"])
        let messages = try await collect(30, from: consumer)
        #expect(Set(messages.compactMap(\.valueString)) == Set((0..<30).map { "m\($0)" }))
        let last = Dictionary(grouping: messages, by: \.partition).mapValues { $0.max { $0.offset < $1.offset }! }
        for message in last.values { try await consumer.commit(message) }
        let committed = try await consumer.committed((0..<3).map { KafkaTopicPartition(topic: "orders", partition: $0) })
        #expect(committed.map(\.offset) == [10, 10, 10])
    }

    @Test func rebalanceAndPartitionEOFEventsAreDelivered() async throws {
        let cluster = try await seededCluster(topic: "eof", partitions: 2, count: 4)
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "g2")
        configuration.partitionEOF = true
        let consumer = try KafkaConsumer(configuration: configuration)
        defer { consumer.close() }
        try consumer.subscribe(topics: ["eof"])
        let events = try await withTimeout {
            var events: [KafkaConsumerEvent] = []
            var eofs = 0
            for await event in consumer.events {
                events.append(event)
                if case .partitionEOF = event { eofs += 1 }
                if eofs == 2 { break }
            }
            return events
        }
        guard case let .assigned(partitions) = events.first else {
            Issue.record("first event should be the assignment, got \(String(describing: events.first))")
            return
        }
        #expect(Set(partitions.map(\.partition)) == [0, 1])
        #expect(events.filter { if case .message = $0 { true } else { false } }.count == 4)
    }

    @Test func assignSeekPositionPauseAndResume() async throws {
        let cluster = try await seededCluster(topic: "seek", partitions: 1, count: 10)
        let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: cluster.bootstrapServers, groupId: "g3"))
        defer { consumer.close() }
        try consumer.assign([KafkaTopicPartition(topic: "seek", partition: 0, offset: KafkaOffset.beginning)])
        let first = try await collect(5, from: consumer)
        #expect(first.map(\.offset) == [0, 1, 2, 3, 4])
        try await consumer.seek(KafkaTopicPartition(topic: "seek", partition: 0, offset: 8))
        // Buffered messages of the partition are dropped by the seek: reading resumes at 8.
        let afterSeek = try await withTimeout { () -> [Int64] in
            var offsets: [Int64] = []
            for await message in consumer.messages {
                offsets.append(message.offset)
                if message.offset == 9 { break }
            }
            return offsets
        }
        #expect(afterSeek == [8, 9])
        try await Task.sleep(for: .milliseconds(300))
        let position = try consumer.position([KafkaTopicPartition(topic: "seek", partition: 0)])
        #expect(position.first?.offset == 10)

        try consumer.pause([KafkaTopicPartition(topic: "seek", partition: 0)])
        let producer = try KafkaProducer(configuration: .init(bootstrapServers: cluster.bootstrapServers))
        _ = try await producer.send(KafkaProducerMessage(topic: "seek", partition: 0, value: "late"))
        producer.close()
        try await Task.sleep(for: .seconds(2))
        // Paused: nothing new was fetched.
        #expect(try consumer.position([KafkaTopicPartition(topic: "seek", partition: 0)]).first?.offset == 10)
        try consumer.resume([KafkaTopicPartition(topic: "seek", partition: 0)])
        let late = try await withTimeout { () -> KafkaConsumerMessage? in
            for await message in consumer.messages where message.valueString == "late" { return message }
            return nil
        }
        #expect(late?.offset == 10)
    }

    @Test func autoCommitStoresPositionsForTheNextMember() async throws {
        let cluster = try await seededCluster(topic: "auto", partitions: 1, count: 6)
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "g4")
        configuration.autoCommit = true
        configuration.properties["auto.commit.interval.ms"] = "100"
        let first = try KafkaConsumer(configuration: configuration)
        try first.subscribe(topics: ["auto"])
        _ = try await collect(6, from: first)
        first.close()  // leaving commits the final position
        let second = try KafkaConsumer(configuration: configuration)
        defer { second.close() }
        let committed = try await second.committed([KafkaTopicPartition(topic: "auto", partition: 0)])
        #expect(committed.first?.offset == 6)
    }

    @Test func beginCloseEndsTheEventsAndShutdownWaitsForTheClose() async throws {
        let cluster = try await seededCluster(topic: "leaving", partitions: 1, count: 200)
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "g-leave"))
        try consumer.subscribe(topics: ["leaving"])
        #expect(try await collect(5, from: consumer).count == 5)
        try await Task.sleep(for: .milliseconds(500))  // the rest is fetched and buffered
        #expect(!consumer.isClosing)
        consumer.beginClose()
        #expect(consumer.isClosing)
        // Throws TimedOut unless the stream ends; buffered messages are not handed out, so a
        // service's loop stops after the message in hand (they were not committed).
        let handedOut = try await withTimeout { () async -> Int in
            var count = 0
            for await event in consumer.events { if case .message = event { count += 1 } }
            return count
        }
        #expect(handedOut == 0)
        try await withTimeout {
            await consumer.shutdown()
            await consumer.shutdown()
        }
        await #expect(throws: (any Error).self) {
            _ = try await consumer.committed([KafkaTopicPartition(topic: "leaving", partition: 0)])
        }
    }

    /// With auto-commit librdkafka stored the buffered messages' offsets when it fetched them
    /// and commits them at close, so closing still hands them out rather than losing them.
    @Test func anAutoCommitConsumerStillHandsOutWhatItBufferedWhenClosing() async throws {
        let cluster = try await seededCluster(topic: "leaving-auto", partitions: 1, count: 200)
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "g-auto")
        configuration.autoCommit = true
        let consumer = try KafkaConsumer(configuration: configuration)
        try consumer.subscribe(topics: ["leaving-auto"])
        #expect(try await collect(5, from: consumer).count == 5)
        try await Task.sleep(for: .milliseconds(500))  // the rest is fetched and buffered
        consumer.beginClose()
        let handedOut = try await withTimeout { () async -> Int in
            var count = 0
            for await event in consumer.events { if case .message = event { count += 1 } }
            return count
        }
        #expect(handedOut > 0 && handedOut <= 195)
        await consumer.shutdown()
    }
}
