import KafkaProtocol
import Testing
@testable import Broker
import TestSupport

/// DeleteRecords through the wire.
@Suite struct DeleteRecordsAPITests {
    @Test func deleteRecordsMovesTheLowWatermarkThatFetchAndListOffsetsSee() async throws {
        try await withBroker { port, _, _ in
            let client = try WireClient(port: port)
            for values in [["a", "b"], ["c", "d"], ["e"]] {
                _ = try await client.send(.produce, 8, produceRequest("dr", batch(values)), expecting: ProduceResponse.self)
            }
            for (version, offset, expected) in [(Int16(0), Int64(3), Int64(3)), (1, 1, 3), (1, -1, 5)] {
                let answered = try await client.send(.deleteRecords, version, deleteRequest("dr", [(0, offset)]), expecting: DeleteRecordsResponse.self)
                let partition = try #require(answered.topics.first?.partitions.first)
                #expect(partition.errorCode == 0 && partition.lowWatermark == expected, "v\(version) before \(offset)")
            }
            var list = ListOffsetsRequest()
            var topic = ListOffsetsRequest.Topic()
            topic.name = "dr"
            var earliest = ListOffsetsRequest.Partition()
            earliest.timestamp = -2
            topic.partitions = [earliest]
            list.topics = [topic]
            #expect(try await client.send(.listOffsets, 5, list, expecting: ListOffsetsResponse.self).topics.first?.partitions.first?.offset == 5)
            let below = try await client.send(.fetch, 11, fetchRequest("dr", offset: 4), expecting: FetchResponse.self)
            #expect(below.topics.first?.partitions.first?.errorCode == 1)
            let atEnd = try await client.send(.fetch, 11, fetchRequest("dr", offset: 5), expecting: FetchResponse.self)
            #expect(atEnd.topics.first?.partitions.first?.logStartOffset == 5)
            let produced = try await client.send(.produce, 8, produceRequest("dr", batch(["f"])), expecting: ProduceResponse.self)
            #expect(produced.responses.first?.partitions.first?.baseOffset == 5 && produced.responses.first?.partitions.first?.logStartOffset == 5)

            let refused = try await client.send(.deleteRecords, 1, deleteRequest("dr", [(0, 99), (7, 1)]), expecting: DeleteRecordsResponse.self)
            #expect(refused.topics.first?.partitions.map(\.errorCode) == [1, 3])
            let unknown = try await client.send(.deleteRecords, 1, deleteRequest("never-was", [(0, 1)]), expecting: DeleteRecordsResponse.self)
            #expect(unknown.topics.first?.partitions.first?.errorCode == 3)
        }
    }
}

private func deleteRequest(_ topic: String, _ partitions: [(Int32, Int64)]) -> DeleteRecordsRequest {
    var request = DeleteRecordsRequest()
    var entry = DeleteRecordsRequest.Topic()
    entry.name = topic
    entry.partitions = partitions.map { index, offset in
        var partition = DeleteRecordsRequest.Partition()
        partition.partitionIndex = index
        partition.offset = offset
        return partition
    }
    request.topics = [entry]
    request.timeoutMs = 30_000
    return request
}
