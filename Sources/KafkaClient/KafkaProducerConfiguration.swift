/// Producer settings: the common ones typed, anything else passed to librdkafka as is.
public struct KafkaProducerConfiguration: Sendable {
    /// `bootstrap.servers`, e.g. `localhost:9092`.
    public var bootstrapServers: String
    public var clientId = "tributary-swift"
    /// `acks`: -1 (all), 0 or 1.
    public var acks: Int = -1
    /// `enable.idempotence`: retries can never duplicate or reorder.
    public var idempotence = true
    /// `linger.ms`: how long to wait to fill a batch.
    public var lingerMs = 5
    /// `compression.type`: none, gzip, snappy, lz4, zstd.
    public var compression = "none"
    /// `message.timeout.ms`: how long a message may wait for delivery before it fails.
    public var messageTimeoutMs = 30_000
    /// Which thread serves delivery reports.
    public var deliveryReports = DeliveryReportPolling.background
    /// Raw librdkafka properties, applied last (they win).
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    var librdkafkaProperties: [String: String] {
        var all = [
            "bootstrap.servers": bootstrapServers, "client.id": clientId, "acks": String(acks),
            "enable.idempotence": String(idempotence), "linger.ms": String(lingerMs),
            "compression.type": compression, "message.timeout.ms": String(messageTimeoutMs),
        ]
        all.merge(properties) { $1 }
        return all
    }
}

/// Which thread serves a producer's delivery reports (and so runs their handlers).
public enum DeliveryReportPolling: Sendable {
    /// A thread of the producer's own, so reports arrive without the caller's help.
    case background
    /// The caller's, through ``KafkaProducer/poll(timeout:)``, ``KafkaProducer/flush(timeout:)``
    /// and ``KafkaProducer/close()``: librdkafka's own producer loop. librdkafka allocates each
    /// message on the queueing thread and frees it where its report is served; from a second
    /// thread, every such `free` contends with the queueing thread's `malloc` for glibc's arena
    /// lock, which at a million messages a second puts both threads to sleep tens of thousands
    /// of times a second. A caller that queues from one thread and polls between messages
    /// frees on that thread, without the lock traffic.
    case caller
}

/// A message to produce.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    /// An explicit partition, or nil for librdkafka's partitioner (by key hash).
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// A message with UTF-8 key and value.
    public init(topic: String, partition: Int32? = nil, key: String? = nil, value: String, headers: [KafkaHeader] = []) {
        self.init(topic: topic, partition: partition, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers)
    }
}

/// A record header.
public struct KafkaHeader: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]?
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
    public init(key: String, value: String) {
        self.init(key: key, value: Array(value.utf8))
    }
}

/// Where a produced message landed.
public struct DeliveryReport: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}
