import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// OffsetFetch: a group's committed offsets; -1 where it has none (the client then
    /// applies auto.offset.reset).
    func handleOffsetFetch(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(OffsetFetchRequest.self)
        logger.debug("OffsetFetch v\(incoming.version) group \(request.groupId) topics \(request.topics.map { "\($0.count)" } ?? "null")")
        let committed = store.groupOffsets.committed(group: request.groupId)
        let wanted: [(String, [Int32])] = request.topics.map { $0.map { ($0.name, $0.partitionIndexes) } }
            ?? Dictionary(grouping: committed.keys, by: \.topic).sorted { $0.key < $1.key }
                .map { ($0.key, $0.value.map(\.partition).sorted()) }
        var response = OffsetFetchResponse()
        response.topics = wanted.map { name, partitions in
            var topic = OffsetFetchResponse.Topic()
            topic.name = name
            topic.partitions = partitions.map { index in
                var partition = OffsetFetchResponse.Partition()
                partition.partitionIndex = index
                if let offset = committed[TopicPartition(name, index)] {
                    partition.committedOffset = offset.offset
                    partition.committedLeaderEpoch = offset.leaderEpoch
                    partition.metadata = offset.metadata ?? ""
                }
                return partition
            }
            return topic
        }
        return respond(incoming, response)
    }
}
