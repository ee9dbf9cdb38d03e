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
        let groupError = await coordinator.validateCommit(groupId: request.groupId, generationId: request.generationId,
                                                          memberId: request.memberId, groupInstanceId: request.groupInstanceId)
        var codes: [[Int16]] = request.topics.map { Array(repeating: groupError, count: $0.partitions.count) }
        if groupError == 0 {
            let now = LogStore.wallClockMs()
            var offsets: [TopicPartition: CommittedOffset] = [:]
            for (t, topic) in request.topics.enumerated() {
                for (p, partition) in topic.partitions.enumerated() {
                    guard (try? store.partition(topic.name, partition.partitionIndex)) != nil else {
                        codes[t][p] = ErrorCode.unknownTopicOrPartition.rawValue
                        continue
                    }
                    offsets[TopicPartition(topic.name, partition.partitionIndex)] = CommittedOffset(
                        offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch,
                        metadata: partition.committedMetadata, commitTimestamp: now)
                }
            }
            do throws(LogStoreError) {
                let coordinator = coordinator, groupId = request.groupId, committed = offsets
                try await offloaded { () throws(LogStoreError) in try coordinator.commit(groupId: groupId, offsets: committed) }
            } catch {
                logger.error("offset commit for group \(request.groupId) failed: \(error)")
                codes = codes.map { $0.map { $0 == 0 ? ErrorCode.unknownServerError.rawValue : $0 } }
            }
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
