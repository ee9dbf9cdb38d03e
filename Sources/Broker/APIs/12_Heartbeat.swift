import KafkaProtocol

extension KafkaBroker {
    /// Heartbeat: keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
    func handleHeartbeat(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(HeartbeatRequest.self)
        var response = HeartbeatResponse()
        response.errorCode = await coordinator.heartbeat(groupId: request.groupId, generationId: request.generationId,
                                                         memberId: request.memberId, groupInstanceId: request.groupInstanceId)
        countErrors(.heartbeat, [response.errorCode])
        return respond(incoming, response)
    }
}
