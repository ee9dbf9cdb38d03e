import CKafka
import Logging

/// An `rd_kafka_t` with its configuration applied and its logs routed to swift-log.
/// Destroyed when the last reference goes away.
final class KafkaHandle: @unchecked Sendable {
    // @unchecked: librdkafka's handle is thread-safe; the pointer never changes.
    let pointer: OpaquePointer
    let context: Unmanaged<HandleContext>

    /// What C callbacks reach through the instance opaque: never captured, always passed.
    final class HandleContext: @unchecked Sendable {
        let logger: Logger
        /// Set by the producer or consumer that owns the handle.
        var onDelivery: (@Sendable (UnsafePointer<rd_kafka_message_t>) -> Void)?
        var onRebalance: (@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> Void)?
        init(logger: Logger) { self.logger = logger }
    }

    init(type: rd_kafka_type_t, properties: [String: String], logger: Logger,
         configure: (OpaquePointer, HandleContext) -> Void = { _, _ in }) throws(KafkaError) {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.invalid("\(key)=\(value): \(errorText.nullTerminatedString)")
            }
        }
        let context = HandleContext(logger: logger)
        let unmanaged = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, unmanaged.toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
            let context = Unmanaged<HandleContext>.fromOpaque(opaque).takeUnretainedValue()
            let text = message.map { String(cString: $0) } ?? ""
            let facility = facility.map { String(cString: $0) } ?? ""
            context.logger.log(level: KafkaHandle.logLevel(syslog: level), "\(text)", metadata: ["rdkafka": "\(facility)"])
        }
        configure(conf, context)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            // rd_kafka_new did not take the configuration.
            rd_kafka_conf_destroy(conf)
            unmanaged.release()
            throw KafkaError.invalid(errorText.nullTerminatedString)
        }
        pointer = handle
        self.context = unmanaged
    }

    deinit {
        rd_kafka_destroy(pointer)
        context.release()
    }

    static func logLevel(syslog: Int32) -> Logger.Level {
        switch syslog {
        case 0...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}

extension [CChar] {
    /// The text up to the first NUL of a C error buffer.
    var nullTerminatedString: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
