import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import Broker
@testable import LogStore
import TestSupport

/// Each API handler through the wire, against an in-process broker.
@Suite struct BrokerAPITests {
    @Test func apiVersionsAnswersEveryVersionAndTooNewWithTheTable() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            for version in ApiKey.apiVersions.supportedVersions {
                let response = try await client.send(.apiVersions, version, ApiVersionsRequest(), expecting: ApiVersionsResponse.self)
                #expect(response.errorCode == 0 && response.apiKeys.count == ApiKey.allCases.count)
            }
            // v3 is flexible; the answer is a v0 body with UNSUPPORTED_VERSION.
            let tooNew = try await client.send(.apiVersions, 3, ApiVersionsRequest(), expecting: ApiVersionsResponse.self, responseVersion: 0)
            #expect(tooNew.errorCode == 35 && tooNew.apiKeys.contains { $0.apiKey == 0 && $0.minVersion == 3 })
        }
    }

    @Test func produceFetchAndListOffsets() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            for (index, values) in [["a", "b"], ["c"], ["d", "e", "f"]].enumerated() {
                let response = try await client.send(.produce, 8, produceRequest("pf", batch(values, timestamp: Int64(1000 * (index + 1)))), expecting: ProduceResponse.self)
                let partition = try #require(response.responses.first?.partitions.first)
                #expect(partition.errorCode == 0 && partition.baseOffset == [0, 2, 3][index] && partition.logStartOffset == 0)
            }
            for version in ApiKey.fetch.supportedVersions {
                let fetched = try await client.send(.fetch, version, fetchRequest("pf", offset: 2), expecting: FetchResponse.self)
                let partition = try #require(fetched.topics.first?.partitions.first)
                #expect(partition.highWatermark == 6 && partition.lastStableOffset == 6)
                #expect(partition.records.values == ["c", "d", "e", "f"], "v\(version)")
            }
            var list = ListOffsetsRequest()
            var topic = ListOffsetsRequest.Topic()
            topic.name = "pf"
            topic.partitions = [Int64(-2), -1, 2000, 9999].map { timestamp in
                var partition = ListOffsetsRequest.Partition()
                partition.timestamp = timestamp
                return partition
            }
            list.topics = [topic]
            let offsets = try await client.send(.listOffsets, 5, list, expecting: ListOffsetsResponse.self)
            #expect(offsets.topics.first?.partitions.map(\.offset) == [0, 6, 2, -1])
            let outOfRange = try await client.send(.fetch, 11, fetchRequest("pf", offset: 99), expecting: FetchResponse.self)
            #expect(outOfRange.topics.first?.partitions.first?.errorCode == 1)
        }
    }

    @Test func fetchLongPollIsWokenByAProduce() async throws {
        try await withBroker { port, _, _ in
            let setup = try WireClient(port: port)
            _ = try await setup.send(.produce, 8, produceRequest("lp", batch(["first"])), expecting: ProduceResponse.self)
            let started = ContinuousClock.now
            async let waited = try WireClient(port: port).send(.fetch, 11, fetchRequest("lp", offset: 1, maxWaitMs: 10_000), expecting: FetchResponse.self)
            try await Task.sleep(for: .milliseconds(200))
            _ = try await setup.send(.produce, 8, produceRequest("lp", batch(["second"])), expecting: ProduceResponse.self)
            let response = try await waited
            #expect(response.topics.first?.partitions.first?.records.values == ["second"])
            #expect(ContinuousClock.now - started < .seconds(5))
            // Nothing arrives: the wait ends at max_wait_ms with an empty answer.
            let empty = try await setup.send(.fetch, 11, fetchRequest("lp", offset: 2, maxWaitMs: 300), expecting: FetchResponse.self)
            #expect(empty.topics.first?.partitions.first?.records.values == [])
        }
    }

    /// Some data but less than `min_bytes`: the fetch waits out `max_wait_ms` for more instead
    /// of reading the partition again and again (which would spin a core).
    @Test func aFetchBelowMinBytesWaitsWithoutRereading() async throws {
        try await withBroker { port, http, _ in
            let client = try WireClient(port: port)
            _ = try await client.send(.produce, 8, produceRequest("few", batch(["only"])), expecting: ProduceResponse.self)
            let started = ContinuousClock.now
            let response = try await client.send(.fetch, 11, fetchRequest("few", offset: 0, maxWaitMs: 500, minBytes: 1_000_000),
                                                 expecting: FetchResponse.self)
            #expect(ContinuousClock.now - started >= .milliseconds(450))
            #expect(response.topics.first?.partitions.first?.records.values == ["only"])
            let metrics = try await httpGet(port: http, path: "/metrics").1
            let reads = metrics.split(separator: "\n").first { $0.hasPrefix("tributary_fetch_reads_total ") }
            let count = reads.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1
            #expect((1...3).contains(count), "fetch passes: \(count)")
        }
    }

    /// A failed fsync is KAFKA_STORAGE_ERROR (56) to the acks=all produce that waited on it
    /// and to every produce after it, until a restart recovers the partition.
    @Test func aFailedFsyncIsAStorageErrorToTheProduceThatHitItAndAfter() async throws {
        try await withBroker { port, _, directory in
            let client = try WireClient(port: port)
            func code(_ value: String) async throws -> Int16? {
                try await client.send(.produce, 8, produceRequest("disk", batch([value])), expecting: ProduceResponse.self)
                    .responses.first?.partitions.first?.errorCode
            }
            #expect(try await code("fine") == 0)
            let trace = try #require(SyncTrace.start(under: directory))
            defer { trace.stop() }
            trace.failNextSyncs(1)
            #expect(try await code("hit") == ErrorCode.kafkaStorageError.rawValue)
            #expect(try await code("after") == ErrorCode.kafkaStorageError.rawValue)
        }
    }

    @Test func produceErrorsUseKafkasCodes() async throws {
        try await withBroker { port, http, _ in
            let client = try WireClient(port: port)
            func code(_ request: ProduceRequest) async throws -> Int16? {
                try await client.send(.produce, 8, request, expecting: ProduceResponse.self).responses.first?.partitions.first?.errorCode
            }
            var corrupt = Array(batch(["x"]).readableBytesView)
            corrupt[corrupt.count - 1] ^= 1
            #expect(try await code(produceRequest("errs", ByteBuffer(bytes: corrupt))) == 2)
            #expect(try await code(produceRequest("bad name!", batch(["x"]))) == 17)
            #expect(try await code(produceRequest("errs", batch(["x"]), acks: 2)) == 21)
            #expect(try await code(produceRequest("errs", batch([String(repeating: "x", count: 1_100_000)]))) == 10)
            #expect(try await code(produceRequest("errs", batch(["x"]), partition: 5)) == 3)
            let metrics = try await httpGet(port: http, path: "/metrics").1
            #expect(metrics.contains(#"tributary_errors_total{api="Produce",code="2"} 1"#))
            #expect(metrics.contains(#"tributary_requests_total{api="Produce"} 5"#))
        }
    }

    @Test func idempotentRetriesGetTheirOriginalOffsetAndGapsAreRefused() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            let pid = try await client.send(.initProducerId, 1, InitProducerIdRequest(), expecting: InitProducerIdResponse.self)
            #expect(pid.errorCode == 0 && pid.producerId >= 0 && pid.producerEpoch == 0)
            let first = try await client.send(.produce, 8, produceRequest("idem", batch(["a", "b"], producerId: pid.producerId, sequence: 0)), expecting: ProduceResponse.self)
            let retry = try await client.send(.produce, 8, produceRequest("idem", batch(["a", "b"], producerId: pid.producerId, sequence: 0)), expecting: ProduceResponse.self)
            #expect(first.responses[0].partitions[0].baseOffset == 0 && retry.responses[0].partitions[0].baseOffset == 0)
            let gap = try await client.send(.produce, 8, produceRequest("idem", batch(["c"], producerId: pid.producerId, sequence: 5)), expecting: ProduceResponse.self)
            #expect(gap.responses[0].partitions[0].errorCode == 45)
            var transactional = InitProducerIdRequest()
            transactional.transactionalId = "tx"
            #expect(try await client.send(.initProducerId, 1, transactional, expecting: InitProducerIdResponse.self).errorCode != 0)
        }
    }

    @Test func topicAdministration() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            var create = CreateTopicsRequest()
            var topic = CreateTopicsRequest.Topic()
            topic.name = "admin"
            topic.numPartitions = 2
            topic.replicationFactor = 1
            topic.configs = [CreateTopicsRequest.Config(name: "retention.ms", value: "5000")]
            var threeReplicas = topic
            threeReplicas.name = "replicated"
            threeReplicas.replicationFactor = 3
            var badConfig = topic
            badConfig.name = "badconfig"
            badConfig.configs = [CreateTopicsRequest.Config(name: "retention.ms", value: "soon")]
            create.topics = [topic, threeReplicas, badConfig]
            let created = try await client.send(.createTopics, 4, create, expecting: CreateTopicsResponse.self)
            #expect(created.topics.map(\.errorCode) == [0, 38, 40])
            #expect(try await client.send(.createTopics, 4, create, expecting: CreateTopicsResponse.self).topics[0].errorCode == 36)

            var grow = CreatePartitionsRequest()
            var growTopic = CreatePartitionsRequest.Topic()
            growTopic.name = "admin"
            growTopic.count = 4
            grow.topics = [growTopic]
            #expect(try await client.send(.createPartitions, 1, grow, expecting: CreatePartitionsResponse.self).results[0].errorCode == 0)
            #expect(try await client.send(.createPartitions, 1, grow, expecting: CreatePartitionsResponse.self).results[0].errorCode == 37)

            var describe = DescribeConfigsRequest()
            var resource = DescribeConfigsRequest.Resource()
            resource.resourceType = 2
            resource.resourceName = "admin"
            describe.resources = [resource]
            let configs = try await client.send(.describeConfigs, 2, describe, expecting: DescribeConfigsResponse.self)
            let retention = configs.results[0].configs.first { $0.name == "retention.ms" }
            #expect(retention?.value == "5000" && retention?.configSource == 1)
            #expect(configs.results[0].configs.first { $0.name == "segment.bytes" }?.configSource == 5)

            var metadata = MetadataRequest()
            metadata.topics = [MetadataRequest.Topic(name: "admin")]
            let described = try await client.send(.metadata, 8, metadata, expecting: MetadataResponse.self)
            #expect(described.topics[0].partitions.count == 4 && described.controllerId == 0)
            #expect(described.brokers.first?.host == "127.0.0.1" && described.clusterId?.count == 22)

            var delete = DeleteTopicsRequest()
            delete.topicNames = ["admin", "never-was"]
            #expect(try await client.send(.deleteTopics, 3, delete, expecting: DeleteTopicsResponse.self).responses.map(\.errorCode) == [0, 3])
            metadata.allowAutoTopicCreation = false
            #expect(try await client.send(.metadata, 8, metadata, expecting: MetadataResponse.self).topics[0].errorCode == 3)
        }
    }

    @Test func metadataAutoCreatesNamedTopicsAndRefusesIllegalNames() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            var metadata = MetadataRequest()
            metadata.topics = [MetadataRequest.Topic(name: "made-by-metadata"), MetadataRequest.Topic(name: "bad name!")]
            let answered = try await client.send(.metadata, 8, metadata, expecting: MetadataResponse.self)
            #expect(answered.topics.map(\.errorCode) == [0, 17])
            #expect(answered.topics[0].partitions.count == 1 && answered.topics[1].partitions.isEmpty)
            metadata.topics = nil  // every topic: the created one is there to stay
            #expect(try await client.send(.metadata, 8, metadata, expecting: MetadataResponse.self).topics.map(\.name) == ["made-by-metadata"])
        }
    }

    @Test func groupProtocolOverTheWire() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            var find = FindCoordinatorRequest()
            find.key = "wire-group"
            let coordinator = try await client.send(.findCoordinator, 2, find, expecting: FindCoordinatorResponse.self)
            #expect(coordinator.errorCode == 0 && coordinator.nodeId == 0)

            var join = JoinGroupRequest()
            join.groupId = "wire-group"
            join.sessionTimeoutMs = 10_000
            join.rebalanceTimeoutMs = 10_000
            join.protocolType = "consumer"
            var groupProtocol = JoinGroupRequest.GroupProtocol()
            groupProtocol.name = "range"
            join.protocols = [groupProtocol]
            let required = try await client.send(.joinGroup, 5, join, expecting: JoinGroupResponse.self)
            #expect(required.errorCode == 79 && !required.memberId.isEmpty)
            join.memberId = required.memberId
            let joined = try await client.send(.joinGroup, 5, join, expecting: JoinGroupResponse.self)
            #expect(joined.errorCode == 0 && joined.generationId == 1 && joined.leader == joined.memberId)

            var sync = SyncGroupRequest()
            sync.groupId = "wire-group"
            sync.generationId = joined.generationId
            sync.memberId = joined.memberId
            let synced = try await client.send(.syncGroup, 3, sync, expecting: SyncGroupResponse.self)
            #expect(synced.errorCode == 0 && synced.assignment == KafkaBroker.emptyConsumerAssignment)

            var heartbeat = HeartbeatRequest()
            heartbeat.groupId = "wire-group"
            heartbeat.generationId = joined.generationId
            heartbeat.memberId = joined.memberId
            #expect(try await client.send(.heartbeat, 3, heartbeat, expecting: HeartbeatResponse.self).errorCode == 0)

            _ = try await client.send(.produce, 8, produceRequest("wire-topic", batch(["x"])), expecting: ProduceResponse.self)
            var commit = OffsetCommitRequest()
            commit.groupId = "wire-group"
            commit.generationId = joined.generationId
            commit.memberId = joined.memberId
            var commitTopic = OffsetCommitRequest.Topic()
            commitTopic.name = "wire-topic"
            var commitPartition = OffsetCommitRequest.Partition()
            commitPartition.committedOffset = 1
            commitPartition.committedMetadata = "m"
            var unknownPartition = commitPartition
            unknownPartition.partitionIndex = 9
            commitTopic.partitions = [commitPartition, unknownPartition]
            commit.topics = [commitTopic]
            let committed = try await client.send(.offsetCommit, 7, commit, expecting: OffsetCommitResponse.self)
            #expect(committed.topics[0].partitions.map(\.errorCode) == [0, 3])
            commit.generationId = 99
            // The group refuses the stale generation; the unknown partition is still unknown.
            #expect(try await client.send(.offsetCommit, 7, commit, expecting: OffsetCommitResponse.self).topics[0].partitions.map(\.errorCode) == [22, 3])

            var fetchOffsets = OffsetFetchRequest()
            fetchOffsets.groupId = "wire-group"
            fetchOffsets.topics = nil
            let fetched = try await client.send(.offsetFetch, 5, fetchOffsets, expecting: OffsetFetchResponse.self)
            #expect(fetched.topics.first?.partitions.first?.committedOffset == 1 && fetched.topics.first?.partitions.first?.metadata == "m")

            var describe = DescribeGroupsRequest()
            describe.groups = ["wire-group", "ghost"]
            let groups = try await client.send(.describeGroups, 4, describe, expecting: DescribeGroupsResponse.self)
            #expect(groups.groups.map(\.groupState) == ["Stable", "Dead"])
            #expect(groups.groups[0].members.first?.clientId == "wire-test" && groups.groups[0].members.first?.clientHost == "/127.0.0.1")
            let listed = try await client.send(.listGroups, 2, ListGroupsRequest(), expecting: ListGroupsResponse.self)
            #expect(listed.groups.map(\.groupId) == ["wire-group"])

            var deleteGroups = DeleteGroupsRequest()
            deleteGroups.groupsNames = ["wire-group"]
            #expect(try await client.send(.deleteGroups, 1, deleteGroups, expecting: DeleteGroupsResponse.self).results[0].errorCode == 68)
            var leave = LeaveGroupRequest()
            leave.groupId = "wire-group"
            var member = LeaveGroupRequest.Member()
            member.memberId = joined.memberId
            leave.members = [member]
            #expect(try await client.send(.leaveGroup, 3, leave, expecting: LeaveGroupResponse.self).members.first?.errorCode == 0)
            #expect(try await client.send(.deleteGroups, 1, deleteGroups, expecting: DeleteGroupsResponse.self).results[0].errorCode == 0)
        }
    }
}
