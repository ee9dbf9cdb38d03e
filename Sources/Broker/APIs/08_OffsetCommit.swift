import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// OffsetCommit: applied in the order the connection's commits arrived, and answered only
    /// once the offsets are fsync'd, so a commit the client saw succeed survives `kill -9`.
    func handleOffsetCommit(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(OffsetCommitRequest.self)
        await incoming.connection.writeTurn?.wait()
        defer { incoming.connection.writeTurn?.finish() }
        let now = LogStore.wallClockMs()
        var codes: [[Int16]] = []
        var offsets: [TopicPartition: CommittedOffset] = [:]
        for topic in request.topics {
            codes.append(topic.partitions.map { partition in
                guard (try? store.partition(topic.name, partition.partitionIndex)) != nil else {
                    return ErrorCode.unknownTopicOrPartition.rawValue
                }
                offsets[TopicPartition(topic.name, partition.partitionIndex)] = CommittedOffset(
                    offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch,
                    metadata: partition.committedMetadata, commitTimestamp: now)
                return 0
            })
        }
        do throws(LogStoreError) {
            let groupError = try await coordinator.commit(groupId: request.groupId, generationId: request.generationId,
                                                          memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                                                          offsets: offsets)
            // A refused commit is refused for every partition the broker has; one it does not
            // have stays UNKNOWN_TOPIC_OR_PARTITION, as Kafka answers it before asking the group.
            if groupError != 0 { codes = codes.map { $0.map { $0 == 0 ? groupError : $0 } } }
        } catch {
            logger.error("offset commit for group \(request.groupId) failed: \(error)")
            codes = codes.map { $0.map { $0 == 0 ? ErrorCode.unknownServerError.rawValue : $0 } }
        }
        var response = OffsetCommitResponse()
        response.topics = request.topics.enumerated().map { t, topic in
            var wire = OffsetCommitResponse.Topic()
            wire.name = topic.name
            wire.partitions = topic.partitions.enumerated().map { p, partition in
                var result = OffsetCommitResponse.Partition()
                result.partitionIndex = partition.partitionIndex
                result.errorCode = codes[t][p]
                return result
            }
            return wire
        }
        countErrors(.offsetCommit, codes.flatMap { $0 })
        return respond(incoming, response)
    }
}
