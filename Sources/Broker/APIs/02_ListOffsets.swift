import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// ListOffsets: earliest (-2), latest (-1) or the first offset at or after a timestamp.
    func handleListOffsets(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(ListOffsetsRequest.self)
        var response = ListOffsetsResponse()
        response.topics = request.topics.map { topic in
            var topicResponse = ListOffsetsResponse.Topic()
            topicResponse.name = topic.name
            topicResponse.partitions = topic.partitions.map { partition in
                var result = ListOffsetsResponse.Partition()
                result.partitionIndex = partition.partitionIndex
                do throws(LogStoreError) {
                    let log = try store.partition(topic.name, partition.partitionIndex)
                    let found = try log.offset(for: .init(kafkaTimestamp: partition.timestamp))
                    result.offset = found?.offset ?? -1
                    result.timestamp = found?.timestamp ?? -1
                    result.leaderEpoch = 0
                } catch {
                    result.errorCode = error.kafkaErrorCode
                }
                return result
            }
            return topicResponse
        }
        countErrors(.listOffsets, response.topics.flatMap { $0.partitions.map(\.errorCode) })
        return respond(incoming, response)
    }
}
