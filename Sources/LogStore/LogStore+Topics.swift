import Foundation

/// What the store tells about a topic (Metadata, DescribeConfigs, CreateTopics).
public struct TopicDescription: Sendable, Equatable {
    public var name: String
    public var id: UUID
    public var partitionCount: Int
    /// Only the configs set on this topic.
    public var overrides: [String: String]
    /// Every config with its effective value.
    public var effectiveConfig: LogConfig
}

extension LogStore {
    /// Creates a topic with `partitions` partitions. `configs` are Kafka topic configs
    /// (`retention.ms`, `segment.bytes`, …) validated before anything is written.
    @discardableResult
    public func createTopic(_ name: String, partitions: Int, configs: [String: String] = [:]) throws(LogStoreError) -> TopicDescription {
        try TopicName.validate(name)
        guard partitions > 0, partitions <= 100_000 else { throw .invalidPartitions("partition count must be 1...100000, got \(partitions)") }
        let config = try defaults.applying(configs)
        return try topics.withLock { (topics) throws(LogStoreError) -> TopicDescription in
            // As Kafka: a topic still being deleted "already exists" until it is gone.
            guard topics[name] == nil, !deletingTopics.withLock({ $0.contains(name) }) else {
                throw LogStoreError.topicAlreadyExists(name)
            }
            let topicDirectory = topicsDirectory + "/" + name
            try Self.makeDirectory(topicDirectory)
            let metadata = TopicMetadata(id: UUID(), partitions: partitions, config: configs)
            var logs: [PartitionLog] = []
            for index in 0..<partitions {
                logs.append(try PartitionLog(topic: name, partition: Int32(index), directory: topicDirectory + "/\(index)",
                                             config: config, cleanShutdown: false, flushWorkers: flushWorkers,
                                             clock: clock, logger: logger))
            }
            try metadata.write(directory: topicDirectory)
            try AtomicFile.syncDirectory(topicsDirectory)
            let topic = Topic(name: name, id: metadata.id, overrides: configs, partitions: logs)
            topics[name] = topic
            logger.info("created topic", metadata: ["topic": "\(name)", "partitions": "\(partitions)"])
            return describe(topic)
        }
    }

    /// Deletes a topic and its data. Readers already holding its files finish their reads.
    public func deleteTopic(_ name: String) throws(LogStoreError) {
        let removed = topics.withLock { topics -> Topic? in
            guard let topic = topics.removeValue(forKey: name) else { return nil }
            deletingTopics.withLock { _ = $0.insert(name) }
            return topic
        }
        guard let topic = removed else { throw .unknownTopicOrPartition(topic: name, partition: -1) }
        // Nothing of the topic is flushed: it is going away. Stopping comes first, so no flush
        // writes under the directory once it moves.
        for (index, partition) in topic.partitions.enumerated() {
            partition.discard(failingWaitersWith: .unknownTopicOrPartition(topic: name, partition: Int32(index)))
        }
        // Move out of topics/ first (atomic), then remove at leisure.
        let graveyard = directory + "/deleted/" + UUID().uuidString
        guard rename(topicsDirectory + "/" + name, graveyard) == 0 else {
            // The directory is still there: the name stays taken (a create would open the old
            // files) until a restart loads the topic again. Its partitions were not flushed, so
            // that restart must recover them rather than trust a clean-shutdown marker.
            needsRecoveryAtNextStart.store(true, ordering: .releasing)
            let error = LogStoreError.io(operation: "rename", path: topicsDirectory + "/" + name, errno: errno)
            logger.error("deleting topic \(name) failed; it comes back at the next start: \(error)")
            throw error
        }
        defer { deletingTopics.withLock { _ = $0.remove(name) } }
        // The offsets go with the directory, before anything that can fail or take long: a
        // topic recreated under this name (even after a crash) must not inherit them.
        let offsetsGone = Result { () throws(LogStoreError) in try groupOffsets.deleteTopic(name) }
        try AtomicFile.syncDirectory(topicsDirectory)
        try offsetsGone.get()
        try? FileManager.default.removeItem(atPath: graveyard)
        logger.info("deleted topic", metadata: ["topic": "\(name)"])
    }

    /// Grows a topic to `count` partitions (Kafka never shrinks one).
    public func addPartitions(_ name: String, totalCount count: Int) throws(LogStoreError) {
        try topics.withLock { (topics) throws(LogStoreError) in
            guard var topic = topics[name] else { throw LogStoreError.unknownTopicOrPartition(topic: name, partition: -1) }
            guard count > topic.partitions.count, count <= 100_000 else {
                throw LogStoreError.invalidPartitions("topic \(name) has \(topic.partitions.count) partitions; cannot change to \(count)")
            }
            let config = try defaults.applying(topic.overrides)
            let topicDirectory = topicsDirectory + "/" + name
            for index in topic.partitions.count..<count {
                topic.partitions.append(try PartitionLog(topic: name, partition: Int32(index), directory: topicDirectory + "/\(index)",
                                                         config: config, cleanShutdown: false, flushWorkers: flushWorkers,
                                                         clock: clock, logger: logger))
            }
            try TopicMetadata(id: topic.id, partitions: count, config: topic.overrides).write(directory: topicDirectory)
            topics[name] = topic
        }
    }

    /// Replaces a topic's config overrides.
    public func setConfig(_ name: String, overrides: [String: String]) throws(LogStoreError) {
        try alterConfig(name) { _ in overrides }
    }

    /// Changes a topic's config overrides: `change` maps the current overrides to the new
    /// ones under the topics lock, so two concurrent alters cannot lose each other's keys.
    /// The result is validated before anything is written, and with `validateOnly` nothing
    /// is; otherwise `topic.json` is replaced atomically and every partition takes the new
    /// settings at once (a new `segment.bytes` applies from the next roll, a new
    /// `retention.ms` at the next retention pass). Returns the new overrides.
    @discardableResult
    public func alterConfig(_ name: String, validateOnly: Bool = false,
                            _ change: ([String: String]) throws(LogStoreError) -> [String: String]) throws(LogStoreError) -> [String: String] {
        try topics.withLock { (topics) throws(LogStoreError) -> [String: String] in
            guard var topic = topics[name] else { throw LogStoreError.unknownTopicOrPartition(topic: name, partition: -1) }
            let overrides = try change(topic.overrides)
            let config = try defaults.applying(overrides)
            if validateOnly { return overrides }
            try TopicMetadata(id: topic.id, partitions: topic.partitions.count, config: overrides)
                .write(directory: topicsDirectory + "/" + name)
            topic.overrides = overrides
            for partition in topic.partitions { partition.update(config: config) }
            topics[name] = topic
            logger.info("altered topic config", metadata: [
                "topic": "\(name)", "overrides": "\(overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
            ])
            return overrides
        }
    }

    /// The partition log, or `unknownTopicOrPartition`.
    public func partition(_ topic: String, _ partition: Int32) throws(LogStoreError) -> PartitionLog {
        guard let log = topics.withLock({ topics -> PartitionLog? in
            guard let found = topics[topic], partition >= 0, Int(partition) < found.partitions.count else { return nil }
            return found.partitions[Int(partition)]
        }) else { throw .unknownTopicOrPartition(topic: topic, partition: partition) }
        return log
    }

    /// One topic's description, or nil.
    public func describeTopic(_ name: String) -> TopicDescription? {
        topics.withLock { $0[name].map(describe) }
    }

    /// Every topic, sorted by name.
    public func listTopics() -> [TopicDescription] {
        topics.withLock { $0.values.map(describe) }.sorted { $0.name < $1.name }
    }

    /// Every partition of every topic (metrics, retention).
    public func allPartitions() -> [PartitionLog] {
        topics.withLock { $0.values.flatMap(\.partitions) }
    }

    /// Runs retention on every partition, forgets producers idle for longer than
    /// `producerIdExpirationMs`, and compacts the offsets journal when it is mostly
    /// superseded commits; returns how many segments were deleted.
    @discardableResult
    public func enforceRetention() -> Int {
        do {
            try groupOffsets.compactIfWorthIt()
        } catch {
            logger.error("compacting the offsets journal failed: \(error)")
        }
        var deleted = 0
        for partition in allPartitions() {
            partition.expireProducers(expirationMs: producerIdExpirationMs)
            do {
                deleted += try partition.enforceRetention()
            } catch {
                logger.error("retention failed for \(partition.topic)-\(partition.partition): \(error)")
            }
        }
        return deleted
    }

    /// Queues a background fsync for every partition whose oldest unflushed append is
    /// `flush.ms` old; returns how many. Cheap: one lock per partition, no I/O here.
    @discardableResult
    public func flushDuePartitions() -> Int {
        let now = clock()
        return allPartitions().reduce(0) { $0 + ($1.flushIfDue(now: now) ? 1 : 0) }
    }

    private func describe(_ topic: Topic) -> TopicDescription {
        TopicDescription(name: topic.name, id: topic.id, partitionCount: topic.partitions.count,
                         overrides: topic.overrides, effectiveConfig: (try? defaults.applying(topic.overrides)) ?? defaults)
    }
}
