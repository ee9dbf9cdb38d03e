import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// Metadata: this node is every partition's leader and the controller. Unknown topics
    /// are created when the client allows it and auto-create is on.
    func handleMetadata(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(MetadataRequest.self)
        var response = MetadataResponse()
        let advertised = advertisedAddress(for: incoming.connection)
        response.brokers = [MetadataResponse.Broker(nodeId: configuration.nodeId, host: advertised.host, port: advertised.port)]
        response.clusterId = clusterId
        response.controllerId = configuration.nodeId
        let names = request.topics.map { $0.map(\.name) } ?? store.listTopics().map(\.name)
        for name in names {
            response.topics.append(await topicMetadata(name, create: request.allowAutoTopicCreation))
        }
        countErrors(.metadata, response.topics.map(\.errorCode))
        return respond(incoming, response)
    }

    /// One topic's entry, creating the topic first when `create` and auto-create allow it.
    private func topicMetadata(_ name: String, create: Bool) async -> MetadataResponse.Topic {
        var topic = MetadataResponse.Topic()
        topic.name = name
        var description = store.describeTopic(name)
        if description == nil, create, configuration.autoCreateTopics {
            do throws(LogStoreError) {
                _ = try await partitionLog(name, 0, create: true)
                description = store.describeTopic(name)
            } catch {
                topic.errorCode = error.kafkaErrorCode
                return topic
            }
        }
        guard let description else {
            topic.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
            return topic
        }
        topic.partitions = (0..<Int32(description.partitionCount)).map { index in
            var partition = MetadataResponse.Partition()
            partition.partitionIndex = index
            partition.leaderId = configuration.nodeId
            partition.leaderEpoch = 0
            partition.replicaNodes = [configuration.nodeId]
            partition.isrNodes = [configuration.nodeId]
            return partition
        }
        return topic
    }
}
