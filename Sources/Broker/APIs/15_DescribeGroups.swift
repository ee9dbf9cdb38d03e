import KafkaProtocol

extension KafkaBroker {
    /// DescribeGroups: state, protocol and members with their assignments.
    func handleDescribeGroups(_ incoming: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(DescribeGroupsRequest.self)
        var response = DescribeGroupsResponse()
        for groupId in request.groups {
            let description = await coordinator.describe(groupId: groupId)
            var group = DescribeGroupsResponse.Group()
            group.groupId = groupId
            group.groupState = description.state.rawValue
            group.protocolType = description.protocolType
            group.protocolData = description.protocolName
            group.members = description.members.map { member in
                var wire = DescribeGroupsResponse.Member()
                wire.memberId = member.memberId
                wire.groupInstanceId = member.groupInstanceId
                wire.clientId = member.clientId
                wire.clientHost = member.clientHost
                wire.memberMetadata = member.metadata
                wire.memberAssignment = member.assignment
                return wire
            }
            response.groups.append(group)
        }
        return respond(incoming, response)
    }
}
