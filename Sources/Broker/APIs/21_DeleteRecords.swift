import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// DeleteRecords: each partition's log start moves up to the given offset (-1: the high
    /// watermark), durably before the answer; the low watermark returned is the new log
    /// start. Past the high watermark is OFFSET_OUT_OF_RANGE, as in Kafka. With one replica
    /// there is nothing to wait for, so `timeout_ms` is not used.
    func handleDeleteRecords(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(DeleteRecordsRequest.self)
        var response = DeleteRecordsResponse()
        response.topics = request.topics.map { topic in
            var topicResult = DeleteRecordsResponse.Topic()
            topicResult.name = topic.name
            topicResult.partitions = topic.partitions.map { partition in
                var result = DeleteRecordsResponse.Partition()
                result.partitionIndex = partition.partitionIndex
                do throws(LogStoreError) {
                    result.lowWatermark = try store.partition(topic.name, partition.partitionIndex).deleteRecords(before: partition.offset)
                } catch {
                    result.errorCode = error.kafkaErrorCode
                }
                return result
            }
            return topicResult
        }
        countErrors(.deleteRecords, response.topics.flatMap { $0.partitions.map(\.errorCode) })
        return respond(incoming, response)
    }
}
