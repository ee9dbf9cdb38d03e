import NIOCore

extension KafkaBroker: KafkaRequestHandler {
    public func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        // Wire codecs land with the KafkaProtocol message layer.
        .close(reason: "request decoding not available yet")
    }
}
