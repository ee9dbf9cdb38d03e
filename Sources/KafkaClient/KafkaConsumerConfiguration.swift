/// Consumer settings: the common ones typed, anything else passed to librdkafka as is.
public struct KafkaConsumerConfiguration: Sendable {
    public var bootstrapServers: String
    /// `group.id`: required by librdkafka even for `assign()`; offsets are committed under it.
    public var groupId: String
    public var clientId = "tributary-swift"
    /// `auto.offset.reset` when the group has no committed offset: earliest or latest.
    public var autoOffsetReset = "earliest"
    /// `enable.auto.commit`: commit consumed positions in the background every 5 s.
    public var autoCommit = false
    /// `enable.partition.eof`: deliver `.partitionEOF` events at the end of a partition.
    public var partitionEOF = false
    /// `session.timeout.ms`
    public var sessionTimeoutMs = 10_000
    /// How many events the consumer may hold that the caller has not taken yet: beyond
    /// this it stops polling librdkafka (whose own prefetch is bounded by
    /// `queued.max.messages.kbytes`), so a slow reader never makes it buffer without bound.
    public var maximumBufferedEvents = 1_000
    /// Raw librdkafka properties, applied last (they win).
    ///
    /// librdkafka's prefetch stops at `queued.min.messages` (100,000) or
    /// `queued.max.messages.kbytes` (16 MB here), and librdkafka 2.0 resumes only when its
    /// broker thread next wakes, up to a second later. A reader slower than the fetcher but
    /// faster than that much a second stalls once per second: raise both for it (reading
    /// 100 B messages, 10x and 8x higher took `tributary bench consume` from ~0.2 to ~0.65
    /// million a second, and its peak RSS from ~65 to ~430 MB).
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String, groupId: String) {
        self.bootstrapServers = bootstrapServers
        self.groupId = groupId
    }

    var librdkafkaProperties: [String: String] {
        var all = [
            "bootstrap.servers": bootstrapServers, "group.id": groupId, "client.id": clientId,
            "auto.offset.reset": autoOffsetReset, "enable.auto.commit": String(autoCommit),
            "enable.partition.eof": String(partitionEOF), "session.timeout.ms": String(sessionTimeoutMs),
            "queued.max.messages.kbytes": "16384",
        ]
        all.merge(properties) { $1 }
        return all
    }
}

/// A consumed message.
public struct KafkaConsumerMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Milliseconds since 1970, or -1.
    public var timestamp: Int64

    /// The value as UTF-8 text.
    public var valueString: String? { value.map { String(decoding: $0, as: UTF8.self) } }
    /// The key as UTF-8 text.
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}

/// What a consumer delivers.
public enum KafkaConsumerEvent: Sendable, Equatable {
    case message(KafkaConsumerMessage)
    /// The consumer reached the end of a partition (with `partitionEOF`).
    case partitionEOF(KafkaTopicPartition)
    /// The group gave this consumer these partitions (already assigned when you see it).
    case assigned([KafkaTopicPartition])
    /// The group took these partitions away.
    case revoked([KafkaTopicPartition])
    /// A non-fatal error librdkafka reported (e.g. the broker is unreachable).
    case error(KafkaError)
}
