import KafkaClient
import TestSupport
import Testing

@Suite struct KafkaAdminTests {
    @Test func topicAdministrationAgainstTributaryd() async throws {
        try await withBroker { port, _, _ in
            let admin = try KafkaAdmin(bootstrapServers: "127.0.0.1:\(port)")
            try await admin.createTopic("admin-new", partitions: 3, configs: ["retention.ms": "60000"])
            #expect(try await admin.describeTopics("admin-new").first?.partitions == [0, 1, 2])
            await #expect(throws: KafkaError.self) { try await admin.createTopic("admin-new", partitions: 3) }
            await #expect(throws: KafkaError.self) { try await admin.createTopic("bad name", partitions: 1) }
            try await admin.deleteTopic("admin-new")
            #expect(try await admin.describeTopics().map(\.name).contains("admin-new") == false)
        }
    }

    /// librdkafka 2.0's mock cluster has no ListGroups/DescribeGroups: this runs on tributaryd.
    @Test func watermarksGroupsAndLagAgainstTributaryd() async throws {
        try await withBroker { port, _, _ in
            let bootstrap = "127.0.0.1:\(port)"
            let admin = try KafkaAdmin(bootstrapServers: bootstrap)
            try await admin.createTopic("admin-orders", partitions: 2)
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
            for index in 0..<10 {
                _ = try await producer.send(KafkaProducerMessage(topic: "admin-orders", partition: Int32(index % 2), value: "m\(index)"))
            }
            producer.close()
            let watermarks = try await admin.watermarks(topic: "admin-orders", partition: 0)
            #expect(watermarks.low == 0 && watermarks.high == 5)
            let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: bootstrap, groupId: "admin-g"))
            defer { consumer.close() }
            try consumer.subscribe(topics: ["admin-orders"])
            let messages = try await collect(10, from: consumer)
            let first = try #require(messages.first { $0.partition == 0 && $0.offset == 1 })
            try await consumer.commit(first)  // partition 0 committed at 2 of 5: lag 3
            let groups = try await admin.describeGroups("admin-g")
            #expect(groups.first?.state == "Stable")
            #expect(groups.first?.members.first?.assignment.map(\.partition).sorted() == [0, 1])
            let offsets = try await admin.groupOffsets("admin-g", topics: ["admin-orders"])
            #expect(offsets.map(\.lag) == [3, nil])

            let deleted = try await admin.deleteRecords([
                KafkaTopicPartition(topic: "admin-orders", partition: 1, offset: KafkaOffset.end),
                KafkaTopicPartition(topic: "admin-orders", partition: 0, offset: 3),
            ])
            #expect(deleted == [KafkaTopicPartition(topic: "admin-orders", partition: 0, offset: 3),
                                KafkaTopicPartition(topic: "admin-orders", partition: 1, offset: 5)])
            #expect(try await admin.watermarks(topic: "admin-orders", partition: 0) == (3, 5))
            await #expect(throws: KafkaError.self) {
                try await admin.deleteRecords([KafkaTopicPartition(topic: "admin-orders", partition: 0, offset: 6)])
            }
        }
    }
}
