import KafkaProtocol
import LogStore
import NIOCore

extension KafkaBroker {
    /// Fetch: long-polls until `min_bytes` are there or `max_wait_ms` passes, then answers
    /// with record batches sent straight from the segment files (the response is encoded
    /// around them; no record is ever decoded).
    func handleFetch(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(FetchRequest.self)
        let started = ContinuousClock.now
        let wanted = request.topics.flatMap { topic in
            topic.partitions.map {
                PartitionFetch(topic: topic.topic, partition: $0.partition, fetchOffset: $0.fetchOffset, maxBytes: $0.partitionMaxBytes)
            }
        }
        let results = await fetch(wanted, maxWaitMs: request.maxWaitMs, minBytes: request.minBytes, maxBytes: request.maxBytes)
        countErrors(.fetch, results.map(\.errorCode))
        var slices: [FileSlice] = []
        var index = 0
        var response = FetchResponse()
        response.topics = request.topics.map { topic in
            var topicResponse = FetchResponse.Topic()
            topicResponse.topic = topic.topic
            topicResponse.partitions = topic.partitions.map { partition in
                let result = results[index]
                index += 1
                var partitionResponse = FetchResponse.Partition()
                partitionResponse.partition = partition.partition
                partitionResponse.errorCode = result.errorCode
                partitionResponse.highWatermark = result.highWatermark
                // No transactions: everything below the high watermark is stable.
                partitionResponse.lastStableOffset = result.highWatermark
                partitionResponse.logStartOffset = result.logStartOffset
                if let slice = result.records {
                    partitionResponse.records = .external(length: slice.count, token: slices.count)
                    slices.append(slice)
                } else {
                    partitionResponse.records = .bytes(ByteBuffer())
                }
                return partitionResponse
            }
            return topicResponse
        }
        metrics.fetchLatency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        var header = ByteBufferAllocator().buffer(capacity: 4)
        header.writeInteger(incoming.header.correlationId)
        let (body, holes) = response.encoded(version: incoming.version)
        return .respond(Self.splice(header: header, body: body, holes: holes, slices: slices))
    }

    /// Interleaves the encoded body with the file slices at the holes left for them.
    static func splice(header: ByteBuffer, body: ByteBuffer, holes: [ExternalRecords], slices: [FileSlice]) -> KafkaResponseFrame {
        var parts: [KafkaResponseFrame.Part] = [.bytes(header)]
        var from = body.readerIndex
        for hole in holes {
            if let piece = body.getSlice(at: from, length: hole.position - from), piece.readableBytes > 0 { parts.append(.bytes(piece)) }
            parts.append(.file(slices[hole.token]))
            from = hole.position
        }
        if let rest = body.getSlice(at: from, length: body.writerIndex - from), rest.readableBytes > 0 { parts.append(.bytes(rest)) }
        return KafkaResponseFrame(parts: parts)
    }
}
