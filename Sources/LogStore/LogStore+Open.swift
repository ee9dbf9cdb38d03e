import Dispatch
import Logging
import Synchronization

extension LogStore {
    /// Opens every partition of `topics`, one per core at a time, as Kafka's recovery threads
    /// do: after a crash each partition re-validates what follows its checkpoint (reading and
    /// CRC-checking it), and partitions do not depend on each other. Throws the first
    /// failure in topic and partition order.
    static func openPartitions(of topics: [(name: String, metadata: TopicMetadata, config: LogConfig)],
                               under topicsDirectory: String, cleanShutdown: Bool,
                               flushWorkers: FlushWorkers,
                               clock: @escaping @Sendable () -> Int64,
                               logger: Logger) throws(LogStoreError) -> [String: [PartitionLog]] {
        let jobs = topics.flatMap { topic in
            (0..<topic.metadata.partitions).map { index in (topic: topic.name, index: index, config: topic.config) }
        }
        let results = Mutex<[Result<PartitionLog, LogStoreError>]>(
            Array(repeating: .failure(.storageFailed(storage: "a partition", reason: "not opened")), count: jobs.count))
        DispatchQueue.concurrentPerform(iterations: jobs.count) { number in
            let job = jobs[number]
            let result = Result { () throws(LogStoreError) in
                try PartitionLog(topic: job.topic, partition: Int32(job.index),
                                 directory: topicsDirectory + "/" + job.topic + "/\(job.index)",
                                 config: job.config, cleanShutdown: cleanShutdown, flushWorkers: flushWorkers,
                                 clock: clock, logger: logger)
            }
            results.withLock { $0[number] = result }
        }
        var opened: [String: [PartitionLog]] = [:]
        for (job, result) in zip(jobs, results.withLock { $0 }) {
            opened[job.topic, default: []].append(try result.get())
        }
        return opened
    }
}
