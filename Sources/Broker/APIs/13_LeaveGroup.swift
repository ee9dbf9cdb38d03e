import KafkaProtocol

extension KafkaBroker {
    /// LeaveGroup: the group rebalances without the members that left.
    func handleLeaveGroup(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(LeaveGroupRequest.self)
        // After the commits sent before it on this connection: a member that commits and then
        // leaves without waiting must not find itself gone when its commit is applied.
        await incoming.connection.writeTurn?.wait()
        defer { incoming.connection.writeTurn?.finish() }
        let members: [(memberId: String, groupInstanceId: String?)] = incoming.version <= 2
            ? [(request.memberId, nil)] : request.members.map { ($0.memberId, $0.groupInstanceId) }
        let codes = await coordinator.leave(groupId: request.groupId, members: members)
        var response = LeaveGroupResponse()
        if incoming.version <= 2 {
            response.errorCode = codes.first ?? 0
        } else {
            response.members = zip(members, codes).map { member, code in
                var wire = LeaveGroupResponse.Member()
                wire.memberId = member.memberId
                wire.groupInstanceId = member.groupInstanceId
                wire.errorCode = code
                return wire
            }
        }
        countErrors(.leaveGroup, codes)
        return respond(incoming, response)
    }
}
