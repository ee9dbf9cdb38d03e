import KafkaProtocol

extension KafkaBroker {
    /// JoinGroup: answered when the rebalance it takes part in completes.
    func handleJoinGroup(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(JoinGroupRequest.self)
        let output = await coordinator.join(JoinGroupInput(
            groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            clientId: incoming.header.clientId ?? "", clientHost: incoming.connection.clientHost,
            sessionTimeoutMs: request.sessionTimeoutMs, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            protocolType: request.protocolType,
            protocols: request.protocols.map { GroupProtocol(name: $0.name, metadata: $0.metadata) },
            requireKnownMemberId: incoming.version >= 4))
        var response = JoinGroupResponse()
        response.errorCode = output.errorCode
        response.generationId = output.generationId
        response.protocolName = output.protocolName ?? ""
        response.leader = output.leader
        response.memberId = output.memberId
        response.members = output.members.map { member in
            var wire = JoinGroupResponse.Member()
            wire.memberId = member.memberId
            wire.groupInstanceId = member.groupInstanceId
            wire.metadata = member.metadata
            return wire
        }
        countErrors(.joinGroup, [response.errorCode])
        return respond(incoming, response)
    }
}

extension ConnectionContext {
    /// The client's host as Kafka reports it (`/127.0.0.1`).
    var clientHost: String {
        // remoteAddress looks like "[IPv4]127.0.0.1/127.0.0.1:54321".
        let address = remoteAddress.split(separator: "/").last.map(String.init) ?? remoteAddress
        return "/" + (address.split(separator: ":").dropLast().joined(separator: ":"))
    }
}
