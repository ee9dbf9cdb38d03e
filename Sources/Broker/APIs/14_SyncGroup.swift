import KafkaProtocol

extension KafkaBroker {
    /// The bytes of an empty ConsumerProtocol assignment (version 0, no partitions, no user
    /// data): what a member with nothing assigned gets instead of zero bytes, which some
    /// clients cannot decode.
    static let emptyConsumerAssignment: [UInt8] = [0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]

    /// SyncGroup: followers wait for the leader's assignment.
    func handleSyncGroup(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(SyncGroupRequest.self)
        var assignments: [String: [UInt8]] = [:]
        for assignment in request.assignments { assignments[assignment.memberId] = assignment.assignment }
        let output = await coordinator.sync(groupId: request.groupId, generationId: request.generationId,
                                            memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                                            assignments: assignments)
        var response = SyncGroupResponse()
        response.errorCode = output.errorCode
        response.assignment = output.errorCode == 0 && output.assignment.isEmpty && output.protocolType == "consumer"
            ? Self.emptyConsumerAssignment : output.assignment
        countErrors(.syncGroup, [response.errorCode])
        return respond(incoming, response)
    }
}
