import Foundation
import KafkaProtocol
import Testing
@testable import Broker
import TestSupport

/// AlterConfigs and IncrementalAlterConfigs through the wire.
@Suite struct AlterConfigsTests {
    @Test func incrementalAlterChangesOnlyTheNamedKeysAndTheTopicUsesThemAtOnce() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            try await createTopic("inc", configs: ["retention.ms": "5000", "segment.ms": "60000"], client: client)
            let altered = try await client.send(.incrementalAlterConfigs, 0, incremental([
                topic("inc", [("max.message.bytes", .set, "2048"), ("retention.ms", .delete, nil), ("cleanup.policy", .append, "delete")]),
            ]), expecting: IncrementalAlterConfigsResponse.self)
            #expect(altered.results.map(\.errorCode) == [0])
            #expect(altered.results.first?.resourceType == 2 && altered.results.first?.resourceName == "inc")

            let configs = try await describe("inc", client: client)
            #expect(configs["max.message.bytes"]?.value == "2048" && configs["max.message.bytes"]?.configSource == 1)
            #expect(configs["retention.ms"]?.value == "604800000" && configs["retention.ms"]?.configSource == 5)
            #expect(configs["segment.ms"]?.value == "60000" && configs["segment.ms"]?.configSource == 1)
            #expect(configs["cleanup.policy"]?.value == "delete")

            // The partition took the new limit: a batch over 2048 bytes is refused now.
            let big = try await client.send(.produce, 8, produceRequest("inc", batch([String(repeating: "x", count: 4096)])), expecting: ProduceResponse.self)
            #expect(big.responses.first?.partitions.first?.errorCode == 10)
            let small = try await client.send(.produce, 8, produceRequest("inc", batch(["fits"])), expecting: ProduceResponse.self)
            #expect(small.responses.first?.partitions.first?.errorCode == 0)
        }
    }

    @Test func incrementalAlterRefusesEachBadResourceAndChangesNothingOfIt() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            try await createTopic("bad", configs: ["retention.ms": "5000"], client: client)
            var unknownOperation = topic("bad", [("retention.ms", .set, "1")])
            unknownOperation.configs[0].operation = 7
            var broker = topic("0", [("message.max.bytes", .set, "1")])
            broker.resourceType = 4
            // One request each: a resource named twice in one request is refused for that alone.
            var codes: [Int16] = []
            for resource in [
                topic("never-was", [("retention.ms", .set, "1")]),
                // A valid key beside an invalid value: neither is applied.
                topic("bad", [("segment.ms", .set, "1000"), ("retention.ms", .set, "soon")]),
                topic("bad", [("retention.ms", .append, "1")]),
                topic("bad", [("no.such.config", .subtract, "1")]),
                topic("bad", [("cleanup.policy", .append, "compact")]),
                unknownOperation,
                topic("bad", [("retention.ms", .set, nil)]),
                topic("bad", [("retention.ms", .set, "1"), ("retention.ms", .delete, nil)]),
                broker,
            ] {
                let answered = try await client.send(.incrementalAlterConfigs, 0, incremental([resource]), expecting: IncrementalAlterConfigsResponse.self)
                #expect(answered.results.count == 1 && answered.results[0].errorMessage?.isEmpty == false)
                codes += answered.results.map(\.errorCode)
            }
            #expect(codes == [3, 40, 40, 40, 40, 42, 42, 42, 42])
            let unchanged = try await describe("bad", client: client)
            #expect(unchanged["segment.ms"]?.configSource == 5 && unchanged["retention.ms"]?.value == "5000")
            // Named twice in one request: the second naming is refused, the first applies.
            let twice = try await client.send(.incrementalAlterConfigs, 0, incremental([
                topic("bad", [("segment.ms", .set, "120000")]), topic("bad", [("segment.ms", .set, "1")]),
            ]), expecting: IncrementalAlterConfigsResponse.self)
            #expect(twice.results.map(\.errorCode) == [0, 42])
            var validateOnly = incremental([topic("bad", [("retention.ms", .set, "9000")])])
            validateOnly.validateOnly = true
            #expect(try await client.send(.incrementalAlterConfigs, 0, validateOnly, expecting: IncrementalAlterConfigsResponse.self).results[0].errorCode == 0)

            let configs = try await describe("bad", client: client)
            #expect(configs["retention.ms"]?.value == "5000")
            #expect(configs["segment.ms"]?.value == "120000")
            #expect(configs["cleanup.policy"]?.value == "delete")
        }
    }

    @Test func resourcesOtherThanTopicsAreRefusedByBothAPIs() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            for type: Int8 in [4, 8, 99] {
                var resource = topic("0", [("retention.ms", .set, "1")])
                resource.resourceType = type
                let incremental = try await client.send(.incrementalAlterConfigs, 0, incremental([resource]), expecting: IncrementalAlterConfigsResponse.self)
                #expect(incremental.results.map(\.errorCode) == [42] && incremental.results[0].resourceType == type, "type \(type)")
                var legacyResource = legacy("0", ["retention.ms": "1"])
                legacyResource.resourceType = type
                var request = AlterConfigsRequest()
                request.resources = [legacyResource]
                let answered = try await client.send(.alterConfigs, 1, request, expecting: AlterConfigsResponse.self)
                #expect(answered.results.map(\.errorCode) == [42] && answered.results[0].errorMessage?.isEmpty == false, "type \(type)")
            }
        }
    }

    @Test func alterConfigsReplacesTheWholeSetAndRefusesNullValues() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            try await createTopic("legacy", configs: ["retention.ms": "5000"], client: client)
            var request = AlterConfigsRequest()
            request.resources = [legacy("legacy", ["segment.ms": "60000"])]
            for version in ApiKey.alterConfigs.supportedVersions {
                #expect(try await client.send(.alterConfigs, version, request, expecting: AlterConfigsResponse.self).results.map(\.errorCode) == [0])
            }
            var configs = try await describe("legacy", client: client)
            #expect(configs["segment.ms"]?.configSource == 1 && configs["retention.ms"]?.configSource == 5)

            var nullValue = legacy("legacy", ["retention.ms": "1"])
            nullValue.configs[0].value = nil
            var codes: [Int16] = []
            for resource in [nullValue, legacy("legacy", ["retention.ms": "soon"]), legacy("never-was", [:])] {
                var refused = AlterConfigsRequest()
                refused.resources = [resource]
                codes += try await client.send(.alterConfigs, 1, refused, expecting: AlterConfigsResponse.self).results.map(\.errorCode)
            }
            #expect(codes == [42, 40, 3])
            configs = try await describe("legacy", client: client)
            #expect(configs["segment.ms"]?.value == "60000" && configs["retention.ms"]?.configSource == 5)
        }
    }

    @Test func anAlteredConfigOutlivesARestart() async throws {
        let directory = NSTemporaryDirectory() + "alter-configs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withBroker(configure: { $0.dataDirectory = directory }) { port, _, _ in
            let client = try WireClient(port: port)
            try await createTopic("kept", configs: [:], client: client)
            let altered = try await client.send(.incrementalAlterConfigs, 0, incremental([topic("kept", [("retention.ms", .set, "7000")])]),
                                                expecting: IncrementalAlterConfigsResponse.self)
            #expect(altered.results.map(\.errorCode) == [0])
        }
        try await withBroker(configure: { $0.dataDirectory = directory }) { port, _, _ in
            let configs = try await describe("kept", client: try WireClient(port: port))
            #expect(configs["retention.ms"]?.value == "7000" && configs["retention.ms"]?.configSource == 1)
        }
    }
}

private func createTopic(_ name: String, configs: [String: String], client: WireClient) async throws {
    var create = CreateTopicsRequest()
    var topic = CreateTopicsRequest.Topic()
    topic.name = name
    topic.numPartitions = 1
    topic.replicationFactor = 1
    topic.configs = configs.map { CreateTopicsRequest.Config(name: $0.key, value: $0.value) }
    create.topics = [topic]
    let created = try await client.send(.createTopics, 4, create, expecting: CreateTopicsResponse.self)
    try #require(created.topics.map(\.errorCode) == [0])
}

private func describe(_ name: String, client: WireClient) async throws -> [String: DescribeConfigsResponse.Config] {
    var request = DescribeConfigsRequest()
    var resource = DescribeConfigsRequest.Resource()
    resource.resourceType = 2
    resource.resourceName = name
    request.resources = [resource]
    let response = try await client.send(.describeConfigs, 2, request, expecting: DescribeConfigsResponse.self)
    return Dictionary(uniqueKeysWithValues: try #require(response.results.first).configs.map { ($0.name, $0) })
}

private func incremental(_ resources: [IncrementalAlterConfigsRequest.Resource]) -> IncrementalAlterConfigsRequest {
    var request = IncrementalAlterConfigsRequest()
    request.resources = resources
    return request
}

private func topic(_ name: String, _ changes: [(String, IncrementalAlterConfigsRequest.Operation, String?)]) -> IncrementalAlterConfigsRequest.Resource {
    var resource = IncrementalAlterConfigsRequest.Resource()
    resource.resourceType = 2
    resource.resourceName = name
    resource.configs = changes.map { name, operation, value in
        var config = IncrementalAlterConfigsRequest.Config()
        config.name = name
        config.operation = operation.rawValue
        config.value = value
        return config
    }
    return resource
}

private func legacy(_ name: String, _ configs: [String: String]) -> AlterConfigsRequest.Resource {
    var resource = AlterConfigsRequest.Resource()
    resource.resourceType = 2
    resource.resourceName = name
    resource.configs = configs.map { key, value in
        var config = AlterConfigsRequest.Config()
        config.name = key
        config.value = value
        return config
    }
    return resource
}
