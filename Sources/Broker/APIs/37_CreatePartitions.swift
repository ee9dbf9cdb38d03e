import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// CreatePartitions: grows topics to the requested partition count.
    func handleCreatePartitions(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(CreatePartitionsRequest.self)
        var response = CreatePartitionsResponse()
        response.results = request.topics.map { topic in
            var result = CreatePartitionsResponse.Result()
            result.name = topic.name
            do throws(LogStoreError) {
                guard let existing = store.describeTopic(topic.name) else {
                    throw LogStoreError.unknownTopicOrPartition(topic: topic.name, partition: -1)
                }
                guard Int(topic.count) > existing.partitionCount else {
                    throw LogStoreError.invalidPartitions("topic \(topic.name) has \(existing.partitionCount) partitions; \(topic.count) does not grow it")
                }
                if !request.validateOnly { try store.addPartitions(topic.name, totalCount: Int(topic.count)) }
            } catch {
                result.errorCode = error.kafkaErrorCode
                result.errorMessage = error.description
            }
            return result
        }
        countErrors(.createPartitions, response.results.map(\.errorCode))
        return respond(incoming, response)
    }
}
