import KafkaProtocol
import LogStore
import NIOCore

extension KafkaBroker {
    /// Produce: appends each partition's batches, in the order the connection's requests
    /// arrived; acks=0 gets no answer, acks=-1 waits for the group-committed fsync under
    /// `--flush acks`.
    func handleProduce(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(ProduceRequest.self)
        let started = ContinuousClock.now
        if request.transactionalId != nil {
            // Transactions are not supported: refuse rather than pretend.
            return respond(incoming, produceResponse(request, errorCode: ErrorCode.transactionalIdAuthorizationFailed.rawValue))
        }
        // Checked before this request's turn, appended in it, waited on after it: requests
        // behind this one append while it waits for its fsync.
        var produces: [[PartitionProduce]] = []
        for topic in request.topics {
            var partitions: [PartitionProduce] = []
            for partition in topic.partitions {
                guard case let .bytes(records) = partition.records else {
                    partitions.append(.done(PartitionProduceResult(errorCode: ErrorCode.corruptMessage.rawValue)))
                    continue
                }
                partitions.append(await validateProduce(topic: topic.name, partition: partition.index, records: records, acks: request.acks))
            }
            produces.append(partitions)
        }
        await incoming.connection.writeTurn?.wait()
        for (t, topic) in request.topics.enumerated() {
            for (p, partition) in topic.partitions.enumerated() {
                produces[t][p] = append(produces[t][p], topic: topic.name, partition: partition.index, acks: request.acks)
            }
        }
        incoming.connection.writeTurn?.finish()
        let results = await withTaskGroup(of: (Int, Int, PartitionProduceResult).self) { group in
            var results = produces.map { $0.map(\.result) }
            for (t, topic) in request.topics.enumerated() {
                for (p, partition) in topic.partitions.enumerated() {
                    guard case .appended(_, awaiting: _?) = produces[t][p] else { continue }
                    let produce = produces[t][p]
                    group.addTask { (t, p, await self.awaitDurable(produce, topic: topic.name, partition: partition.index)) }
                }
            }
            for await (t, p, result) in group { results[t][p] = result }
            return results
        }
        metrics.produceLatency.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        if request.acks == 0 {
            let codes = results.flatMap { $0.map(\.errorCode) }
            countErrors(.produce, codes)
            // As Kafka: an acks=0 producer reads no response, so closing the connection is
            // how it learns that something failed (and refreshes its metadata).
            if let failed = codes.first(where: { $0 != 0 }) { return .close(reason: "acks=0 produce failed with error \(failed)") }
            return .noResponse
        }
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
                partitionResponse.logAppendTimeMs = result.logAppendTimeMs
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
