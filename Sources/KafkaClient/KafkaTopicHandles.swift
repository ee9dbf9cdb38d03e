import CKafka
import Synchronization

/// librdkafka's handles for the topics a producer sends to, made on first use and kept until
/// the producer goes. Naming the topic by handle spares each message librdkafka's look-up by
/// name (a write lock on the whole client and a scan of its topics).
final class KafkaTopicHandles: Sendable {
    /// Holds the client alive: topic handles must be destroyed before it is.
    private let client: KafkaHandle
    private let handles = Mutex(Handles())

    private struct Handles {
        var byName: [String: Handle] = [:]
        /// The topic asked for last: a producer mostly sends to one topic at a time, and
        /// comparing with it costs less than hashing the name (the same string's storage
        /// compares equal at once).
        var last: (topic: String, handle: Handle)?
    }

    /// A topic handle; librdkafka's handles are thread-safe.
    struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    init(client: KafkaHandle) {
        self.client = client
    }

    deinit {
        for handle in handles.withLock({ $0.byName.values }) { rd_kafka_topic_destroy(handle.pointer) }
    }

    /// The handle for `topic`; nil when librdkafka refuses the name.
    func handle(for topic: String) -> OpaquePointer? {
        handles.withLock { handles in
            if let last = handles.last, last.topic == topic { return last.handle.pointer }
            let handle: Handle
            if let known = handles.byName[topic] {
                handle = known
            } else {
                guard let pointer = rd_kafka_topic_new(client.pointer, topic, nil) else { return nil }
                handle = Handle(pointer: pointer)
                handles.byName[topic] = handle
            }
            handles.last = (topic, handle)
            return handle.pointer
        }
    }
}
