import KafkaProtocol

extension KafkaBroker {
    /// ListGroups: every group with members or committed offsets.
    func handleListGroups(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        _ = try incoming.decode(ListGroupsRequest.self)
        var response = ListGroupsResponse()
        response.groups = await coordinator.list().map { entry in
            var group = ListGroupsResponse.Group()
            group.groupId = entry.groupId
            group.protocolType = entry.protocolType
            return group
        }
        return respond(incoming, response)
    }
}
