import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// DeleteTopics: removes the topics and their data.
    func handleDeleteTopics(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(DeleteTopicsRequest.self)
        var response = DeleteTopicsResponse()
        response.responses = request.topicNames.map { name in
            var result = DeleteTopicsResponse.Result()
            result.name = name
            do throws(LogStoreError) {
                try store.deleteTopic(name)
            } catch {
                result.errorCode = error.kafkaErrorCode
            }
            return result
        }
        countErrors(.deleteTopics, response.responses.map(\.errorCode))
        return respond(incoming, response)
    }
}
