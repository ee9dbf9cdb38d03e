import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// AlterConfigs, the legacy whole-set API: a topic's overrides become exactly the
    /// configs sent, so a key left out returns to its default. A null value is refused
    /// (INVALID_REQUEST), as in Kafka; IncrementalAlterConfigs deletes single keys.
    func handleAlterConfigs(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(AlterConfigsRequest.self)
        let repeated = Self.repeatedResources(request.resources.map { ($0.resourceType, $0.resourceName) })
        var response = AlterConfigsResponse()
        response.results = request.resources.enumerated().map { index, resource in
            alterConfigsResult(type: resource.resourceType, name: resource.resourceName, namedAgain: repeated.contains(index),
                               keys: resource.configs.map(\.name)) { () throws(ConfigAlterationRefusal) in
                var overrides: [String: String] = [:]
                for config in resource.configs {
                    guard let value = config.value else { throw .invalidRequest("null value not supported for \(config.name)") }
                    overrides[config.name] = value
                }
                try alterTopicConfig(resource.resourceName, validateOnly: request.validateOnly) { _ in overrides }
            }
        }
        countErrors(.alterConfigs, response.results.map(\.errorCode))
        return respond(incoming, response)
    }
}
