import KafkaProtocol
import LogStore

extension KafkaBroker {
    /// InitProducerId: a never-reused producer id at epoch 0 for an idempotent producer.
    /// Transactional ids are refused: transactions are not implemented.
    func handleInitProducerId(_ incoming: IncomingRequest) throws(KafkaProtocolError) -> RequestOutcome {
        var incoming = incoming
        let request = try incoming.decode(InitProducerIdRequest.self)
        var response = InitProducerIdResponse()
        if request.transactionalId != nil {
            response.errorCode = ErrorCode.transactionalIdAuthorizationFailed.rawValue
            return respond(incoming, response)
        }
        do throws(LogStoreError) {
            response.producerId = try store.producerIds.next()
            response.producerEpoch = 0
        } catch {
            logger.error("cannot allocate a producer id: \(error)")
            response.errorCode = ErrorCode.unknownServerError.rawValue
        }
        countErrors(.initProducerId, [response.errorCode])
        return respond(incoming, response)
    }
}
