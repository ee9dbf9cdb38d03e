import KafkaProtocol

extension KafkaBroker {
    /// DeleteGroups: only empty groups; their committed offsets go too.
    func handleDeleteGroups(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(DeleteGroupsRequest.self)
        var response = DeleteGroupsResponse()
        for groupId in request.groupsNames {
            var result = DeleteGroupsResponse.Result()
            result.groupId = groupId
            result.errorCode = await coordinator.delete(groupId: groupId)
            response.results.append(result)
        }
        countErrors(.deleteGroups, response.results.map(\.errorCode))
        return respond(incoming, response)
    }
}
