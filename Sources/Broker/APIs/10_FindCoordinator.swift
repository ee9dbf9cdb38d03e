import KafkaProtocol

extension KafkaBroker {
    /// FindCoordinator: this node coordinates every group; there is no transaction coordinator.
    func handleFindCoordinator(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(FindCoordinatorRequest.self)
        var response = FindCoordinatorResponse()
        if request.keyType != 0 {
            response.errorCode = ErrorCode.coordinatorNotAvailable.rawValue
            response.errorMessage = "transactions are not supported"
            response.nodeId = -1
            response.port = -1
        } else {
            response.nodeId = configuration.nodeId
            (response.host, response.port) = advertisedAddress(for: incoming.connection)
        }
        return respond(incoming, response)
    }
}
