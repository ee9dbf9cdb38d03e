import Foundation
import KafkaProtocol
import NIOCore

/// Speaks the Kafka protocol to the broker under test with our own codecs.
final class WireClient: @unchecked Sendable {
    let socket: RawSocket
    private var correlationId: Int32 = 0

    init(port: Int) throws {
        socket = try RawSocket(port: port)
    }

    /// Sends `request` as `api` v`version` and decodes the response as `R`.
    func send<R: KafkaMessage>(_ api: ApiKey, _ version: Int16, _ request: some KafkaMessage, expecting: R.Type,
                               responseVersion: Int16? = nil) async throws -> R {
        correlationId += 1
        var frame = ByteBuffer()
        RequestHeader(apiKey: api.rawValue, apiVersion: version, correlationId: correlationId, clientId: "wire-test").encode(into: &frame)
        request.encode(into: &frame, version: version)
        socket.sendFrame(Array(frame.readableBytesView))
        guard let bytes = await socket.receiveFrame() else { throw WireClientError.closed }
        var response = ByteBuffer(bytes: bytes)
        guard response.readInteger(as: Int32.self) == correlationId else { throw WireClientError.wrongCorrelation }
        return try R.decode(from: &response, version: responseVersion ?? version)
    }
}

enum WireClientError: Error { case closed, wrongCorrelation }

func batch(_ values: [String], producerId: Int64 = -1, sequence: Int32 = -1, timestamp: Int64 = 1_700_000_000_000) -> ByteBuffer {
    var builder = RecordBatchBuilder(firstTimestamp: timestamp)
    builder.producerId = producerId
    builder.producerEpoch = producerId >= 0 ? 0 : -1
    builder.baseSequence = sequence
    for value in values { builder.append(key: nil, value: Array(value.utf8)) }
    return ByteBuffer(bytes: builder.build())
}

func produceRequest(_ topic: String, _ records: ByteBuffer, partition: Int32 = 0, acks: Int16 = -1) -> ProduceRequest {
    var request = ProduceRequest()
    request.acks = acks
    var data = ProduceRequest.TopicData()
    data.name = topic
    var partitionData = ProduceRequest.PartitionData()
    partitionData.index = partition
    partitionData.records = .bytes(records)
    data.partitions = [partitionData]
    request.topics = [data]
    return request
}

func fetchRequest(_ topic: String, _ partition: Int32 = 0, offset: Int64, maxWaitMs: Int32 = 0, minBytes: Int32 = 1, maxBytes: Int32 = 1 << 20) -> FetchRequest {
    var request = FetchRequest()
    request.maxWaitMs = maxWaitMs
    request.minBytes = minBytes
    request.maxBytes = maxBytes
    var fetchTopic = FetchRequest.Topic()
    fetchTopic.topic = topic
    var fetchPartition = FetchRequest.Partition()
    fetchPartition.partition = partition
    fetchPartition.fetchOffset = offset
    fetchPartition.partitionMaxBytes = maxBytes
    fetchTopic.partitions = [fetchPartition]
    request.topics = [fetchTopic]
    return request
}

extension RecordsPayload {
    /// First record values of each batch in the payload.
    var values: [String] {
        guard case let .bytes(buffer) = self else { return [] }
        let bytes = Array(buffer.readableBytesView)
        return bytes.withUnsafeBytes { raw in
            guard let batches = try? RecordBatchHeader.validatedBatches(raw) else { return [] }
            return batches.flatMap { batch in
                let body = UnsafeRawBufferPointer(rebasing: raw[(batch.range.lowerBound + RecordBatchHeader.size)..<batch.range.upperBound])
                return ((try? Record.decodeAll(body, count: Int(batch.header.recordCount))) ?? []).map {
                    String(decoding: $0.value ?? [], as: UTF8.self)
                }
            }
        }
    }
}
