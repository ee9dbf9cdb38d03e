import KafkaProtocol
import NIOCore
import Testing

/// A filled-in example of every message, so round trips exercise real fields.
enum Samples {
    static func all() -> [(name: String, versions: ClosedRange<Int16>, message: any KafkaMessage)] {
        var produce = ProduceRequest()
        produce.acks = -1
        var data = ProduceRequest.TopicData()
        data.name = "orders"
        var partition = ProduceRequest.PartitionData()
        partition.index = 2
        var builder = RecordBatchBuilder(firstTimestamp: 1)
        builder.append(key: [1], value: [2, 3])
        partition.records = .bytes(ByteBuffer(bytes: builder.build()))
        data.partitions = [partition]
        produce.topics = [data]

        var fetch = FetchRequest()
        fetch.maxWaitMs = 500
        fetch.minBytes = 1
        var fetchTopic = FetchRequest.Topic()
        fetchTopic.topic = "orders"
        var fetchPartition = FetchRequest.Partition()
        fetchPartition.fetchOffset = 42
        fetchPartition.partitionMaxBytes = 1 << 20
        fetchTopic.partitions = [fetchPartition]
        fetch.topics = [fetchTopic]
        fetch.rackId = "r1"

        var fetchResponse = FetchResponse()
        var responseTopic = FetchResponse.Topic()
        responseTopic.topic = "orders"
        var responsePartition = FetchResponse.Partition()
        responsePartition.highWatermark = 10
        responsePartition.lastStableOffset = 10
        responsePartition.records = .bytes(ByteBuffer(bytes: builder.build()))
        responseTopic.partitions = [responsePartition]
        fetchResponse.topics = [responseTopic]

        var metadata = MetadataRequest()
        metadata.topics = [MetadataRequest.Topic(name: "a"), MetadataRequest.Topic(name: "b")]
        var metadataResponse = MetadataResponse()
        metadataResponse.brokers = [MetadataResponse.Broker(nodeId: 0, host: "localhost", port: 9092)]
        var metadataTopic = MetadataResponse.Topic()
        metadataTopic.name = "a"
        var metadataPartition = MetadataResponse.Partition()
        metadataPartition.replicaNodes = [0]
        metadataPartition.isrNodes = [0]
        metadataTopic.partitions = [metadataPartition]
        metadataResponse.topics = [metadataTopic]

        var join = JoinGroupRequest()
        join.groupId = "g"
        join.sessionTimeoutMs = 10_000
        join.rebalanceTimeoutMs = 30_000
        join.protocolType = "consumer"
        var groupProtocol = JoinGroupRequest.GroupProtocol()
        groupProtocol.name = "range"
        groupProtocol.metadata = [0, 1, 2]
        join.protocols = [groupProtocol]

        var commit = OffsetCommitRequest()
        commit.groupId = "g"
        var commitTopic = OffsetCommitRequest.Topic()
        commitTopic.name = "orders"
        var commitPartition = OffsetCommitRequest.Partition()
        commitPartition.committedOffset = 7
        commitPartition.committedMetadata = "meta"
        commitTopic.partitions = [commitPartition]
        commit.topics = [commitTopic]

        var create = CreateTopicsRequest()
        var createTopic = CreateTopicsRequest.Topic()
        createTopic.name = "new"
        createTopic.numPartitions = 3
        createTopic.configs = [CreateTopicsRequest.Config(name: "retention.ms", value: "1000")]
        create.topics = [createTopic]

        var describe = DescribeConfigsRequest()
        var resource = DescribeConfigsRequest.Resource()
        resource.resourceType = 2
        resource.resourceName = "orders"
        resource.configurationKeys = ["retention.ms"]
        describe.resources = [resource]

        var offsetFetch = OffsetFetchRequest()
        offsetFetch.groupId = "g"
        offsetFetch.topics = nil

        var deleteTopics = DeleteTopicsRequest()
        deleteTopics.topicNames = ["x", "y"]

        var alter = AlterConfigsRequest()
        var alterResource = AlterConfigsRequest.Resource()
        alterResource.resourceType = 2
        alterResource.resourceName = "orders"
        var alterConfig = AlterConfigsRequest.Config()
        alterConfig.name = "retention.ms"
        alterConfig.value = "1000"
        alterResource.configs = [alterConfig, AlterConfigsRequest.Config()]
        alter.resources = [alterResource]
        alter.validateOnly = true

        var incremental = IncrementalAlterConfigsRequest()
        var incrementalResource = IncrementalAlterConfigsRequest.Resource()
        incrementalResource.resourceType = 2
        incrementalResource.resourceName = "orders"
        var deleteKey = IncrementalAlterConfigsRequest.Config()
        deleteKey.name = "retention.ms"
        deleteKey.operation = IncrementalAlterConfigsRequest.Operation.delete.rawValue
        var appendKey = IncrementalAlterConfigsRequest.Config()
        appendKey.name = "cleanup.policy"
        appendKey.operation = IncrementalAlterConfigsRequest.Operation.append.rawValue
        appendKey.value = "delete"
        incrementalResource.configs = [deleteKey, appendKey]
        incremental.resources = [incrementalResource]

        var deleteRecords = DeleteRecordsRequest()
        var deleteRecordsTopic = DeleteRecordsRequest.Topic()
        deleteRecordsTopic.name = "orders"
        var deleteRecordsPartition = DeleteRecordsRequest.Partition()
        deleteRecordsPartition.partitionIndex = 3
        deleteRecordsPartition.offset = -1
        deleteRecordsTopic.partitions = [deleteRecordsPartition, DeleteRecordsRequest.Partition()]
        deleteRecords.topics = [deleteRecordsTopic]
        deleteRecords.timeoutMs = 30_000

        var deletedRecords = DeleteRecordsResponse()
        var deletedTopic = DeleteRecordsResponse.Topic()
        deletedTopic.name = "orders"
        var deletedPartition = DeleteRecordsResponse.Partition()
        deletedPartition.partitionIndex = 3
        deletedPartition.lowWatermark = 42
        deletedPartition.errorCode = 1
        deletedTopic.partitions = [deletedPartition]
        deletedRecords.topics = [deletedTopic]

        var alterResponse = AlterConfigsResponse()
        var alterResult = AlterConfigsResponse.Result()
        alterResult.errorCode = 40
        alterResult.errorMessage = "retention.ms must be an integer"
        alterResult.resourceType = 2
        alterResult.resourceName = "orders"
        alterResponse.results = [alterResult, AlterConfigsResponse.Result()]

        return [
            ("ApiVersionsResponse", ApiKey.apiVersions.supportedVersions, ApiVersionsResponse.supported()),
            ("ProduceRequest", ApiKey.produce.supportedVersions, produce),
            ("FetchRequest", ApiKey.fetch.supportedVersions, fetch),
            ("FetchResponse", ApiKey.fetch.supportedVersions, fetchResponse),
            ("MetadataRequest", 1...8, metadata),
            ("MetadataResponse", ApiKey.metadata.supportedVersions, metadataResponse),
            ("JoinGroupRequest", 1...5, join),
            ("OffsetCommitRequest", ApiKey.offsetCommit.supportedVersions, commit),
            ("CreateTopicsRequest", ApiKey.createTopics.supportedVersions, create),
            ("DescribeConfigsRequest", ApiKey.describeConfigs.supportedVersions, describe),
            ("OffsetFetchRequest", 2...5, offsetFetch),
            ("DeleteTopicsRequest", ApiKey.deleteTopics.supportedVersions, deleteTopics),
            ("DeleteRecordsRequest", ApiKey.deleteRecords.supportedVersions, deleteRecords),
            ("DeleteRecordsResponse", ApiKey.deleteRecords.supportedVersions, deletedRecords),
            ("AlterConfigsRequest", ApiKey.alterConfigs.supportedVersions, alter),
            ("AlterConfigsResponse", ApiKey.alterConfigs.supportedVersions, alterResponse),
            ("IncrementalAlterConfigsRequest", ApiKey.incrementalAlterConfigs.supportedVersions, incremental),
        ]
    }
}

func encode(_ message: any KafkaMessage, version: Int16) -> [UInt8] {
    var buffer = ByteBuffer()
    message.encode(into: &buffer, version: version)
    return Array(buffer.readableBytesView)
}

func roundTrip<T: KafkaMessage>(_ message: T, version: Int16) throws -> [UInt8] {
    var buffer = ByteBuffer(bytes: encode(message, version: version))
    let decoded = try T.decode(from: &buffer, version: version)
    #expect(buffer.readableBytes == 0, "\(T.self) v\(version) left bytes unread")
    return encode(decoded, version: version)
}

func decodeAny<T: KafkaMessage>(_ sample: T, bytes: [UInt8], version: Int16) throws {
    var buffer = ByteBuffer(bytes: bytes)
    _ = try T.decode(from: &buffer, version: version)
}

@Suite struct MessageCodecTests {
    @Test func everyMessageRoundTripsAtEveryVersion() throws {
        for sample in Samples.all() {
            for version in sample.versions {
                let bytes = encode(sample.message, version: version)
                #expect(try roundTrip(sample.message, version: version) == bytes, "\(sample.name) v\(version)")
            }
        }
    }

    @Test func everyStrictPrefixIsRejectedAsTruncated() throws {
        for sample in Samples.all() {
            let version = sample.versions.upperBound
            let bytes = encode(sample.message, version: version)
            for length in 0..<bytes.count {
                #expect(throws: KafkaProtocolError.self, "\(sample.name) prefix \(length)") {
                    try decodeAny(sample.message, bytes: Array(bytes.prefix(length)), version: version)
                }
            }
        }
    }

    @Test func randomGarbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        for sample in Samples.all() {
            for _ in 0..<500 {
                let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = try? decodeAny(sample.message, bytes: bytes, version: sample.versions.upperBound)
            }
        }
    }

    @Test func hugeArrayCountsAreRejectedBeforeAllocating() {
        // ProduceRequest v3: null transactional id, acks, timeout, then a topic count of 2^31-1.
        let bytes: [UInt8] = [0xFF, 0xFF, 0, 1, 0, 0, 0x75, 0x30, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0]
        #expect(throws: KafkaProtocolError.invalidLength(field: "topics", length: Int(Int32.max))) {
            try decodeAny(ProduceRequest(), bytes: bytes, version: 3)
        }
        // A negative string length other than -1.
        #expect(throws: KafkaProtocolError.self) {
            try decodeAny(FindCoordinatorRequest(), bytes: [0xFF, 0xF0, 0x41], version: 0)
        }
        // A negative bytes length other than -1 inside JoinGroup.
        let join: [UInt8] = [0, 1, 0x67] + [0, 0, 0x27, 0x10] + [0, 0] + [0, 1, 0x63] + [0, 0, 0, 1] + [0, 1, 0x72] + [0xFF, 0xFF, 0xFF, 0xF0]
        #expect(throws: KafkaProtocolError.self) { try decodeAny(JoinGroupRequest(), bytes: join, version: 0) }
    }

    @Test func goldenProduceV3AssembledByHand() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 5)
        builder.append(key: nil, value: Array("hi".utf8))
        let batch = builder.build()
        var bytes: [UInt8] = [0xFF, 0xFF]            // transactional_id: null
        bytes += [0xFF, 0xFF]                        // acks: -1
        bytes += [0, 0, 0x03, 0xE8]                  // timeout_ms: 1000
        bytes += [0, 0, 0, 1, 0, 1, 0x74]            // one topic, "t"
        bytes += [0, 0, 0, 1, 0, 0, 0, 4]            // one partition, index 4
        bytes += withUnsafeBytes(of: Int32(batch.count).bigEndian, Array.init) + batch
        var buffer = ByteBuffer(bytes: bytes)
        let request = try ProduceRequest.decode(from: &buffer, version: 3)
        #expect(request.acks == -1 && request.timeoutMs == 1000 && request.transactionalId == nil)
        #expect(request.topics.first?.name == "t" && request.topics.first?.partitions.first?.index == 4)
        #expect(request.topics.first?.partitions.first?.records == .bytes(ByteBuffer(bytes: batch)))
    }

    @Test func goldenApiVersionsV0RequestAndPeek() throws {
        // size-less frame: api key 18, version 0, correlation 7, client id "c".
        var frame = ByteBuffer(bytes: [0, 18, 0, 0, 0, 0, 0, 7, 0, 1, 0x63])
        #expect(RequestHeader.peek(frame)! == (18, 0, 7))
        let header = try RequestHeader.decode(from: &frame)
        #expect(header == RequestHeader(apiKey: 18, apiVersion: 0, correlationId: 7, clientId: "c"))
        #expect(frame.readableBytes == 0)
        // A too-new ApiVersions (v3 has a flexible header) still peeks.
        let v3 = ByteBuffer(bytes: [0, 18, 0, 3, 0, 0, 0, 9, 0, 1, 0x63, 0])
        #expect(RequestHeader.peek(v3)! == (18, 3, 9))
        #expect(RequestHeader.peek(ByteBuffer(bytes: [0, 18, 0])) == nil)
    }

    @Test func fetchResponseLeavesHolesForExternalRecords() {
        var response = FetchResponse()
        var topic = FetchResponse.Topic()
        topic.topic = "t"
        var first = FetchResponse.Partition()
        first.records = .external(length: 100, token: 0)
        var second = FetchResponse.Partition()
        second.partition = 1
        second.records = .external(length: 50, token: 1)
        topic.partitions = [first, second]
        response.topics = [topic]
        let (buffer, holes) = response.encoded(version: 11)
        #expect(holes.map(\.token) == [0, 1])
        // The size prefix right before each hole says how many bytes the caller adds.
        #expect(buffer.getInteger(at: holes[0].position - 4, as: Int32.self) == 100)
        #expect(buffer.getInteger(at: holes[1].position - 4, as: Int32.self) == 50)
    }

    @Test func advertisedVersionsKeepTheFloorsOldClientsNeed() {
        #expect(ApiKey.produce.supportedVersions.contains(3))
        #expect(ApiKey.fetch.supportedVersions.contains(4))
        #expect(ApiKey.offsetFetch.supportedVersions.contains(1))
        #expect(ApiKey.offsetCommit.supportedVersions.contains(2))
        for key in [ApiKey.findCoordinator, .joinGroup, .syncGroup, .heartbeat, .leaveGroup, .initProducerId] {
            #expect(key.supportedVersions.lowerBound == 0, "\(key)")
        }
    }
}
