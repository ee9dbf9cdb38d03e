import KafkaProtocol
import LogStore
import NIOCore

extension KafkaBroker {
    /// Produce: appends each partition's batches; acks=0 gets no answer, acks=-1 waits for
    /// the group-committed fsync under `--flush acks`.
    func handleProduce(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(ProduceRequest.self)
        let started = ContinuousClock.now
        if request.transactionalId != nil {
            // Transactions are not supported: refuse rather than pretend.
            return respond(incoming, produceResponse(request, errorCode: ErrorCode.transactionalIdAuthorizationFailed.rawValue))
        }
        let results = await withTaskGroup(of: (Int, Int, PartitionProduceResult).self) { group in
            for (t, topic) in request.topics.enumerated() {
                for (p, partition) in topic.partitions.enumerated() {
                    let records: ByteBuffer? = if case let .bytes(bytes) = partition.records { bytes } else { nil }
                    group.addTask {
                        guard let records else {
                            return (t, p, PartitionProduceResult(errorCode: ErrorCode.corruptMessage.rawValue))
                        }
                        return (t, p, await self.produce(topic: topic.name, partition: partition.index, records: records, acks: request.acks))
                    }
                }
            }
            var results: [[PartitionProduceResult]] = request.topics.map { Array(repeating: PartitionProduceResult(errorCode: 0), count: $0.partitions.count) }
            for await (t, p, result) in group { results[t][p] = result }
            return results
        }
        metrics.produceLatency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        guard request.acks != 0 else { return .noResponse }
        var response = ProduceResponse()
        response.responses = request.topics.enumerated().map { t, topic in
            var topicResponse = ProduceResponse.TopicResponse()
            topicResponse.name = topic.name
            topicResponse.partitions = topic.partitions.enumerated().map { p, partition in
                var partitionResponse = ProduceResponse.PartitionResponse()
                partitionResponse.index = partition.index
                let result = results[t][p]
                partitionResponse.errorCode = result.errorCode
                partitionResponse.baseOffset = result.baseOffset
                partitionResponse.logStartOffset = result.logStartOffset
                partitionResponse.errorMessage = result.errorCode == 0 ? nil : result.errorMessage
                return partitionResponse
            }
            return topicResponse
        }
        countErrors(.produce, results.flatMap { $0.map(\.errorCode) })
        return respond(incoming, response)
    }

    private func produceResponse(_ request: ProduceRequest, errorCode: Int16) -> ProduceResponse {
        var response = ProduceResponse()
        response.responses = request.topics.map { topic in
            var topicResponse = ProduceResponse.TopicResponse()
            topicResponse.name = topic.name
            topicResponse.partitions = topic.partitions.map {
                var partition = ProduceResponse.PartitionResponse()
                partition.index = $0.index
                partition.errorCode = errorCode
                return partition
            }
            return topicResponse
        }
        return response
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
