import CKafka
import Dispatch
import Logging

/// Topic and group administration over librdkafka: works against tributaryd and any Kafka.
/// librdkafka's calls block, so each runs on the admin's own queue, never on Swift's
/// cooperative pool.
public final class KafkaAdmin: Sendable {
    let handle: KafkaHandle
    let bootstrapServers: String
    let logger: Logger
    private let poller: PollThread
    private let queue = DispatchQueue(label: "tributary.kafka.admin")

    public init(bootstrapServers: String, properties: [String: String] = [:], logger: Logger = Logger(label: "tributary.kafka.admin")) throws(KafkaError) {
        self.bootstrapServers = bootstrapServers
        self.logger = logger
        // Describing a topic must not create it: librdkafka's producer handles (which admin
        // clients are) otherwise ask the broker to auto-create the topics they look up.
        var all = ["bootstrap.servers": bootstrapServers, "allow.auto.create.topics": "false"]
        all.merge(properties) { $1 }
        handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, properties: all, logger: logger)
        let handle = handle
        poller = PollThread(name: "rdkafka-admin-poll") { rd_kafka_poll(handle.pointer, 100) }
    }

    deinit { poller.stop() }

    // MARK: Topics

    /// A topic as the cluster describes it.
    public struct TopicDescription: Sendable, Equatable {
        public var name: String
        public var partitions: [Int32]
        public var error: KafkaError?
    }

    /// Creates a topic; throws with the broker's error (e.g. TOPIC_ALREADY_EXISTS).
    func createTopicBlocking(_ name: String, partitions: Int32, replicationFactor: Int32 = 1,
                            configs: [String: String] = [:], timeout: Duration = .seconds(30)) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errorText, errorText.count) else {
            throw KafkaError.invalid(errorText.nullTerminatedString)
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        for (key, value) in configs { try KafkaError.check(rd_kafka_NewTopic_set_config(topic, key, value), "config \(key)") }
        var topics: [OpaquePointer?] = [topic]
        try runAdmin(timeout: timeout, expecting: RD_KAFKA_EVENT_CREATETOPICS_RESULT) { queue, options in
            rd_kafka_CreateTopics(handle.pointer, &topics, 1, options, queue)
        } result: { event throws(KafkaError) in
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            try Self.checkTopicResults(results, count)
        }
    }

    /// Deletes a topic.
    func deleteTopicBlocking(_ name: String, timeout: Duration = .seconds(30)) throws(KafkaError) {
        guard let topic = rd_kafka_DeleteTopic_new(name) else { throw KafkaError.invalid("bad topic name \(name)") }
        defer { rd_kafka_DeleteTopic_destroy(topic) }
        var topics: [OpaquePointer?] = [topic]
        try runAdmin(timeout: timeout, expecting: RD_KAFKA_EVENT_DELETETOPICS_RESULT) { queue, options in
            rd_kafka_DeleteTopics(handle.pointer, &topics, 1, options, queue)
        } result: { event throws(KafkaError) in
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            try Self.checkTopicResults(results, count)
        }
    }

    /// Every topic (or just `name`) with its partitions.
    func describeTopicsBlocking(_ name: String? = nil, timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicDescription] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        var topicHandle: OpaquePointer?
        if let name { topicHandle = rd_kafka_topic_new(handle.pointer, name, nil) }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        try KafkaError.check(rd_kafka_metadata(handle.pointer, name == nil ? 1 : 0, topicHandle, &metadata, timeout.milliseconds), "metadata")
        guard let metadata else { return [] }
        defer { rd_kafka_metadata_destroy(metadata) }
        return (0..<Int(metadata.pointee.topic_cnt)).map { index in
            let topic = metadata.pointee.topics[index]
            let partitions = (0..<Int(topic.partition_cnt)).map { topic.partitions[$0].id }
            return TopicDescription(name: String(cString: topic.topic), partitions: partitions.sorted(),
                                    error: topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(topic.err))
        }.sorted { $0.name < $1.name }
    }

    /// The earliest and latest (high watermark) offsets of a partition.
    func watermarksBlocking(topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = -1, high: Int64 = -1
        try KafkaError.check(rd_kafka_query_watermark_offsets(handle.pointer, topic, partition, &low, &high, timeout.milliseconds),
                             "watermarks \(topic)[\(partition)]")
        return (low, high)
    }

    // MARK: Groups

    /// A consumer group as the coordinator describes it.
    public struct GroupDescription: Sendable, Equatable {
        public struct Member: Sendable, Equatable {
            public var memberId: String
            public var clientId: String
            public var clientHost: String
            /// Decoded from the consumer protocol assignment (empty for other protocols).
            public var assignment: [KafkaTopicPartition]
        }
        public var groupId: String
        public var state: String
        public var protocolType: String
        public var protocolName: String
        public var members: [Member]
    }

    /// Every group (or just `groupId`) with state and members.
    func describeGroupsBlocking(_ groupId: String? = nil, timeout: Duration = .seconds(10)) throws(KafkaError) -> [GroupDescription] {
        var list: UnsafePointer<rd_kafka_group_list>?
        try KafkaError.check(rd_kafka_list_groups(handle.pointer, groupId, &list, timeout.milliseconds), "list groups")
        guard let list else { return [] }
        defer { rd_kafka_group_list_destroy(list) }
        return (0..<Int(list.pointee.group_cnt)).map { index in
            let group = list.pointee.groups[index]
            let members = (0..<Int(group.member_cnt)).map { memberIndex in
                let member = group.members[memberIndex]
                let assignment = member.member_assignment.map {
                    Array(UnsafeRawBufferPointer(start: $0, count: Int(member.member_assignment_size)))
                } ?? []
                return GroupDescription.Member(
                    memberId: String(cString: member.member_id), clientId: String(cString: member.client_id),
                    clientHost: String(cString: member.client_host), assignment: ConsumerAssignment.decode(assignment))
            }
            return GroupDescription(groupId: String(cString: group.group), state: String(cString: group.state),
                                    protocolType: String(cString: group.protocol_type), protocolName: String(cString: group.protocol),
                                    members: members)
        }.sorted { $0.groupId < $1.groupId }
    }

    /// A group's committed offsets (for every partition of `topics`, or every partition it
    /// committed when `topics` is empty), with the lag behind each partition's high watermark.
    func groupOffsetsBlocking(_ groupId: String, topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [(partition: KafkaTopicPartition, highWatermark: Int64, lag: Int64?)] {
        var partitions: [KafkaTopicPartition] = []
        for topic in topics {
            for description in try describeTopicsBlocking(topic, timeout: timeout) where description.name == topic {
                partitions += description.partitions.map { KafkaTopicPartition(topic: topic, partition: $0) }
            }
        }
        let list = topics.isEmpty ? nil : partitions.makeCList()
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        guard let request = rd_kafka_ListConsumerGroupOffsets_new(groupId, list) else { throw KafkaError.invalid("bad group \(groupId)") }
        defer { rd_kafka_ListConsumerGroupOffsets_destroy(request) }
        var requests: [OpaquePointer?] = [request]
        var committed: [KafkaTopicPartition] = []
        try runAdmin(timeout: timeout, expecting: RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT) { queue, options in
            rd_kafka_ListConsumerGroupOffsets(handle.pointer, &requests, 1, options, queue)
        } result: { event throws(KafkaError) in
            var count = 0
            guard let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event), &count),
                  count > 0, let group = groups[0]
            else { return }
            if let error = rd_kafka_group_result_error(group) {
                let code = rd_kafka_error_code(error)
                throw KafkaError(code, message: "offsets of \(groupId)")
            }
            committed = [KafkaTopicPartition](rd_kafka_group_result_partitions(group))
        }
        var result: [(partition: KafkaTopicPartition, highWatermark: Int64, lag: Int64?)] = []
        for partition in committed.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
            let high = try watermarksBlocking(topic: partition.topic, partition: partition.partition, timeout: timeout).high
            result.append((partition, high, partition.offset >= 0 ? max(0, high - partition.offset) : nil))
        }
        return result
    }

    // MARK: Async API

    /// Creates a topic; throws with the broker's error (e.g. TOPIC_ALREADY_EXISTS).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1,
                            configs: [String: String] = [:], timeout: Duration = .seconds(30)) async throws {
        try await run { () throws(KafkaError) in
            try self.createTopicBlocking(name, partitions: partitions, replicationFactor: replicationFactor, configs: configs, timeout: timeout)
        }
    }

    /// Deletes a topic.
    public func deleteTopic(_ name: String, timeout: Duration = .seconds(30)) async throws {
        try await run { () throws(KafkaError) in try self.deleteTopicBlocking(name, timeout: timeout) }
    }

    /// Every topic (or just `name`) with its partitions.
    public func describeTopics(_ name: String? = nil, timeout: Duration = .seconds(10)) async throws -> [TopicDescription] {
        try await run { () throws(KafkaError) in try self.describeTopicsBlocking(name, timeout: timeout) }
    }

    /// The earliest and latest (high watermark) offsets of a partition.
    public func watermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) async throws -> (low: Int64, high: Int64) {
        try await run { () throws(KafkaError) in
            let marks = try self.watermarksBlocking(topic: topic, partition: partition, timeout: timeout)
            return [marks.low, marks.high]
        }.withPair()
    }

    /// Every group (or just `groupId`) with state and members.
    public func describeGroups(_ groupId: String? = nil, timeout: Duration = .seconds(10)) async throws -> [GroupDescription] {
        try await run { () throws(KafkaError) in try self.describeGroupsBlocking(groupId, timeout: timeout) }
    }

    /// A group's committed offset for every partition of `topics`, with the lag behind each
    /// partition's high watermark (nil where nothing is committed).
    public func groupOffsets(_ groupId: String, topics: [String], timeout: Duration = .seconds(10)) async throws -> [GroupPartitionOffset] {
        try await run { () throws(KafkaError) in
            try self.groupOffsetsBlocking(groupId, topics: topics, timeout: timeout).map {
                GroupPartitionOffset(partition: $0.partition, highWatermark: $0.highWatermark, lag: $0.lag)
            }
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { () throws(KafkaError) in try body() }) }
        }
    }

    // MARK: Plumbing

    func runAdmin(timeout: Duration, expecting type: Int32,
                          start: (OpaquePointer, OpaquePointer) -> Void,
                          result: (OpaquePointer) throws(KafkaError) -> Void) throws(KafkaError) {
        guard let queue = rd_kafka_queue_new(handle.pointer) else { throw KafkaError.invalid("no admin queue") }
        defer { rd_kafka_queue_destroy(queue) }
        guard let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_ANY) else { throw KafkaError.invalid("no admin options") }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.milliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.milliseconds, &errorText, errorText.count)
        start(queue, options)
        guard let event = rd_kafka_queue_poll(queue, timeout.milliseconds + 1000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, message: "admin request timed out")
        }
        defer { rd_kafka_event_destroy(event) }
        let error = rd_kafka_event_error(event)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(error, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        guard rd_kafka_event_type(event) == type else { throw KafkaError.invalid("unexpected admin event \(rd_kafka_event_type(event))") }
        try result(event)
    }

    private static func checkTopicResults(_ results: UnsafeMutablePointer<OpaquePointer?>?, _ count: Int) throws(KafkaError) {
        guard let results else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let error = rd_kafka_topic_result_error(topicResult)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                let name = String(cString: rd_kafka_topic_result_name(topicResult))
                let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw KafkaError(error, message: "\(name): \(message)")
            }
        }
    }
}

/// A group's committed offset for one partition and how far it trails the log end.
public struct GroupPartitionOffset: Sendable, Equatable {
    /// The partition with the committed offset (-1001 when none).
    public var partition: KafkaTopicPartition
    public var highWatermark: Int64
    public var lag: Int64?
}

extension [Int64] {
    fileprivate func withPair() -> (low: Int64, high: Int64) { (self[0], self[1]) }
}

/// Kafka's ConsumerProtocol assignment: version, [topic, [partition]], user data.
enum ConsumerAssignment {
    static func decode(_ bytes: [UInt8]) -> [KafkaTopicPartition] {
        var at = 2
        func int16() -> Int16? {
            guard at + 2 <= bytes.count else { return nil }
            defer { at += 2 }
            return Int16(bytes[at]) << 8 | Int16(bytes[at + 1])
        }
        func int32() -> Int32? {
            guard at + 4 <= bytes.count else { return nil }
            defer { at += 4 }
            return bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int32($1) }
        }
        var result: [KafkaTopicPartition] = []
        guard let topics = int32(), topics >= 0, Int(topics) <= bytes.count else { return [] }
        for _ in 0..<topics {
            guard let length = int16(), length >= 0, at + Int(length) <= bytes.count else { return result }
            let topic = String(decoding: bytes[at..<(at + Int(length))], as: UTF8.self)
            at += Int(length)
            guard let count = int32(), count >= 0, Int(count) <= bytes.count else { return result }
            for _ in 0..<count {
                guard let partition = int32() else { return result }
                result.append(KafkaTopicPartition(topic: topic, partition: partition))
            }
        }
        return result
    }
}
