/// InitProducerId (22) v0–1: a fresh producer id for an idempotent producer.
public struct InitProducerIdRequest: KafkaMessage {
    public var transactionalId: String?
    public var transactionTimeoutMs: Int32 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.nullableString(&transactionalId)
        try coder.int32(&transactionTimeoutMs)
    }
}

public struct InitProducerIdResponse: KafkaMessage {
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var producerId: Int64 = -1
    public var producerEpoch: Int16 = -1
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&throttleTimeMs)
        try coder.int16(&errorCode)
        try coder.int64(&producerId)
        try coder.int16(&producerEpoch)
    }
}
