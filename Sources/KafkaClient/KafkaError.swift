import CKafka

/// An error from librdkafka (or from this wrapper), with librdkafka's code and text.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// librdkafka's `rd_kafka_resp_err_t` value; negative codes are client-side (e.g. -195
    /// `_TRANSPORT`), positive ones are Kafka protocol errors.
    public var code: Int32
    /// librdkafka's name for the code, e.g. `_MSG_TIMED_OUT` or `UNKNOWN_TOPIC_OR_PART`.
    public var name: String
    public var message: String

    public init(code: Int32, message: String? = nil) {
        self.code = code
        let error = rd_kafka_resp_err_t(rawValue: code)
        name = String(cString: rd_kafka_err2name(error))
        self.message = message ?? String(cString: rd_kafka_err2str(error))
    }

    init(_ error: rd_kafka_resp_err_t, message: String? = nil) {
        self.init(code: error.rawValue, message: message)
    }

    /// A configuration or usage error detected before librdkafka was involved.
    static func invalid(_ message: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message)
    }

    public var description: String { "\(name) (\(code)): \(message)" }

    /// librdkafka's local queue is full (`queue.buffering.max.messages` or `.kbytes`): wait
    /// for delivery reports to drain it, then queue again.
    public var isQueueFull: Bool { code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue }

    /// CreateTopics named a topic the cluster already has (TOPIC_ALREADY_EXISTS, 36).
    public var isTopicAlreadyExists: Bool { code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS.rawValue }

    /// Throws unless `error` is NO_ERROR.
    static func check(_ error: rd_kafka_resp_err_t, _ context: @autoclosure () -> String = "") throws(KafkaError) {
        guard error != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        let context = context()
        let text = String(cString: rd_kafka_err2str(error))
        throw KafkaError(error, message: context.isEmpty ? text : "\(context): \(text)")
    }
}
