import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// CreateTopics: one replica, so a replication factor other than 1 (or -1, "default")
    /// is refused; manual assignments only decide the partition count.
    func handleCreateTopics(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(CreateTopicsRequest.self)
        var response = CreateTopicsResponse()
        response.topics = request.topics.map { topic in
            var result = CreateTopicsResponse.Topic()
            result.name = topic.name
            let partitions = !topic.assignments.isEmpty ? topic.assignments.count
                : topic.numPartitions == -1 ? configuration.autoCreatePartitions : Int(topic.numPartitions)
            var configs: [String: String] = [:]
            for config in topic.configs { if let value = config.value { configs[config.name] = value } }
            guard topic.replicationFactor == -1 || topic.replicationFactor == 1 || !topic.assignments.isEmpty else {
                result.errorCode = ErrorCode.invalidReplicationFactor.rawValue
                result.errorMessage = "replication factor \(topic.replicationFactor): this broker keeps one replica"
                return result
            }
            do throws(LogStoreError) {
                if request.validateOnly {
                    try TopicName.validate(topic.name)
                    _ = try store.defaults.applying(configs)
                    guard partitions > 0 else { throw LogStoreError.invalidPartitions("partition count must be positive") }
                    if store.describeTopic(topic.name) != nil { throw LogStoreError.topicAlreadyExists(topic.name) }
                } else {
                    try store.createTopic(topic.name, partitions: partitions, configs: configs)
                }
            } catch {
                result.errorCode = error.kafkaErrorCode
                result.errorMessage = error.description
            }
            return result
        }
        countErrors(.createTopics, response.topics.map(\.errorCode))
        return respond(incoming, response)
    }
}
