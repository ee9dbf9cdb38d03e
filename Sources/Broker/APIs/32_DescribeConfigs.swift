import KafkaProtocol
import LogStore

extension KafkaBroker {
    static let topicResource: Int8 = 2
    static let brokerResource: Int8 = 4
    static let brokerLoggerResource: Int8 = 8

    /// DescribeConfigs: topic configs (overrides as TOPIC_CONFIG, the rest as
    /// DEFAULT_CONFIG) and the broker's own settings.
    func handleDescribeConfigs(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(DescribeConfigsRequest.self)
        var response = DescribeConfigsResponse()
        response.results = request.resources.map { resource in
            var result = DescribeConfigsResponse.Result()
            result.resourceType = resource.resourceType
            result.resourceName = resource.resourceName
            let entries: [(String, String, Bool)]
            switch resource.resourceType {
            case Self.topicResource:
                guard let topic = store.describeTopic(resource.resourceName) else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    result.errorMessage = "unknown topic \(resource.resourceName)"
                    return result
                }
                entries = topic.effectiveConfig.asStrings.map { ($0.key, $0.value, topic.overrides[$0.key] == nil) }
            case Self.brokerResource:
                entries = [
                    ("message.max.bytes", String(configuration.messageMaxBytes), true),
                    ("socket.request.max.bytes", String(configuration.socketRequestMaxBytes), true),
                    ("auto.create.topics.enable", String(configuration.autoCreateTopics), true),
                    ("num.partitions", String(configuration.autoCreatePartitions), true),
                    ("broker.id", String(configuration.nodeId), true),
                ]
            default:
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "resource type \(resource.resourceType) is not supported"
                return result
            }
            let keys = resource.configurationKeys.map(Set.init)
            result.configs = entries.sorted { $0.0 < $1.0 }.filter { keys?.contains($0.0) ?? true }.map { name, value, isDefault in
                var config = DescribeConfigsResponse.Config()
                config.name = name
                config.value = value
                config.readOnly = resource.resourceType == Self.brokerResource
                config.isDefault = isDefault
                config.configSource = resource.resourceType == Self.brokerResource ? 5 : (isDefault ? 5 : 1)
                return config
            }
            return result
        }
        countErrors(.describeConfigs, response.results.map(\.errorCode))
        return respond(incoming, response)
    }
}
