/// Per-topic log settings, named and defaulted as Kafka names and defaults them.
public struct LogConfig: Sendable, Equatable {
    /// Roll to a new segment when the active one reaches this size (`segment.bytes`).
    public var segmentBytes: Int64 = 1 << 30
    /// Roll to a new segment when the active one is this old (`segment.ms`, 7 days).
    public var segmentMs: Int64 = 604_800_000
    /// Delete whole segments whose newest record is older than this; -1 keeps forever.
    public var retentionMs: Int64 = 604_800_000
    /// Delete the oldest segments while the partition is larger than this; -1 is unlimited.
    public var retentionBytes: Int64 = -1
    /// The largest record batch accepted (`max.message.bytes`).
    public var maxMessageBytes: Int = 1_048_588
    /// Bytes between two sparse offset-index entries (`index.interval.bytes`).
    public var indexIntervalBytes: Int = 4096
    /// Replicas that must be in sync for an acks=all produce (`min.insync.replicas`). This
    /// node is the only replica, so above 1 such produces fail, as on a one-broker Kafka.
    public var minInsyncReplicas: Int = 1
    /// Which time a batch carries (`message.timestamp.type`).
    public var timestampType: TimestampType = .createTime
    /// The longest appended data waits for a background fsync (`flush.ms`), whatever the
    /// producer's acks. Kafka's default is never; here it is a minute, so that after a crash
    /// recovery re-reads at most about a minute of each partition's writes (the checkpoint
    /// follows each fsync), and the kernel has usually written those pages back already.
    public var flushMs: Int64 = 60_000
    /// How many of a partition's newest written bytes stay in the page cache; older ones are
    /// written back early and dropped from it (`PartitionLog.requestWriteCacheTrimLocked`).
    /// -1 keeps everything, as Kafka does. A broker setting (`--write-cache-bytes`), not a
    /// topic config.
    public var writeCacheBytes: Int64 = 16 << 20

    /// `message.timestamp.type`: the producer's timestamps, or the broker's clock at append.
    public enum TimestampType: String, Sendable {
        /// Batches keep the timestamps their producer gave them.
        case createTime = "CreateTime"
        /// Each batch is stamped with the append time: its `maxTimestamp` and the
        /// LogAppendTime attribute bit are set (and its CRC recomputed), so consumers read
        /// that time for every record in it, as Kafka does.
        case logAppendTime = "LogAppendTime"
    }

    public init() {}

    /// Applies Kafka-style string configs on top of `self`. Unknown keys and bad values throw.
    public func applying(_ configs: [String: String]) throws(LogStoreError) -> LogConfig {
        var config = self
        for (key, value) in configs {
            switch key {
            case "segment.bytes":
                config.segmentBytes = try Self.integer(key, value, in: 14...Int64(Int32.max))
            case "segment.ms":
                config.segmentMs = try Self.integer(key, value, in: 1...Int64.max)
            case "retention.ms":
                config.retentionMs = try Self.integer(key, value, in: -1...Int64.max)
            case "retention.bytes":
                config.retentionBytes = try Self.integer(key, value, in: -1...Int64.max)
            case "max.message.bytes":
                config.maxMessageBytes = Int(try Self.integer(key, value, in: 0...Int64(Int32.max)))
            case "index.interval.bytes":
                config.indexIntervalBytes = Int(try Self.integer(key, value, in: 0...Int64(Int32.max)))
            case "cleanup.policy":
                guard value == "delete" else { throw .invalidConfig("cleanup.policy '\(value)' is not supported (only delete)") }
            case "min.insync.replicas":
                config.minInsyncReplicas = Int(try Self.integer(key, value, in: 1...Int64(Int32.max)))
            case "message.timestamp.type":
                guard let type = TimestampType(rawValue: value) else {
                    throw .invalidConfig("message.timestamp.type must be CreateTime or LogAppendTime, got '\(value)'")
                }
                config.timestampType = type
            case "flush.ms":
                config.flushMs = try Self.integer(key, value, in: 0...Int64.max)
            case "compression.type":
                // Batches are stored as the producer compressed them; recompressing is not supported.
                guard value == "producer" else { throw .invalidConfig("compression.type '\(value)' is not supported (only producer)") }
            default:
                throw .invalidConfig("unknown topic config '\(key)'")
            }
        }
        return config
    }

    /// Every setting as Kafka config strings.
    public var asStrings: [String: String] {
        ["segment.bytes": String(segmentBytes), "segment.ms": String(segmentMs),
         "retention.ms": String(retentionMs), "retention.bytes": String(retentionBytes),
         "max.message.bytes": String(maxMessageBytes), "index.interval.bytes": String(indexIntervalBytes),
         "cleanup.policy": "delete", "message.timestamp.type": timestampType.rawValue,
         "compression.type": "producer", "min.insync.replicas": String(minInsyncReplicas),
         "flush.ms": String(flushMs)]
    }

    private static func integer(_ key: String, _ value: String, in range: ClosedRange<Int64>) throws(LogStoreError) -> Int64 {
        guard let number = Int64(value), range.contains(number) else {
            throw .invalidConfig("\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }
}
