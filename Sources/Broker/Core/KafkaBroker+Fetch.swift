import LogStore
import NIOCore

/// One partition of a fetch, independent of the wire version.
struct PartitionFetch: Sendable {
    var topic: String
    var partition: Int32
    var fetchOffset: Int64
    var maxBytes: Int32
}

/// What one partition of a fetch returns: batches as file bytes, never decoded.
struct PartitionFetchResult: Sendable {
    var errorCode: Int16
    var highWatermark: Int64 = -1
    var logStartOffset: Int64 = -1
    var records: FileSlice?

    var byteCount: Int { records?.count ?? 0 }
}

extension KafkaBroker {
    /// Reads every partition; while fewer than `minBytes` are available and `maxWaitMs` has
    /// not passed, waits for an append to one of them (long poll). `maxBytes` bounds the
    /// whole response, except that the first partition with data always returns at least
    /// one whole batch so a consumer can make progress.
    func fetch(_ partitions: [PartitionFetch], maxWaitMs: Int32, minBytes: Int32, maxBytes: Int32) async -> [PartitionFetchResult] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(max(maxWaitMs, 0))))
        while true {
            let results = readOnce(partitions, maxBytes: Int(maxBytes))
            metrics.fetchReads.increment()
            let total = results.reduce(0) { $0 + $1.byteCount }
            let anyError = results.contains { $0.errorCode != 0 }
            let remaining = deadline - clock.now
            if total >= Int(max(minBytes, 1)) || anyError || remaining <= .zero {
                metrics.bytesOut.increment(by: Int64(total))
                return results
            }
            // Wait for more than this pass saw: "any data at all" would already hold when some
            // (fewer than minBytes) is there, and the loop would spin until the deadline.
            let targets = Set(partitions.map { TopicPartition($0.topic, $0.partition) })
            let seen = zip(partitions, results).map { request, result in
                (request.topic, request.partition, max(result.highWatermark, request.fetchOffset))
            }
            let store = store
            await notifier.wait(for: targets, timeout: remaining) {
                seen.contains { topic, partition, highWatermark in
                    ((try? store.partition(topic, partition))?.highWatermark ?? -1) > highWatermark
                }
            }
        }
    }

    private func readOnce(_ partitions: [PartitionFetch], maxBytes: Int) -> [PartitionFetchResult] {
        var budget = max(maxBytes, 0)
        var gotData = false
        return partitions.map { request in
            do throws(LogStoreError) {
                let log = try store.partition(request.topic, request.partition)
                let limit = min(Int(max(request.maxBytes, 0)), budget)
                let read = try log.read(from: request.fetchOffset, maxBytes: limit, minOneBatch: !gotData)
                let slice = read.slices.first
                if let slice {
                    gotData = true
                    budget = max(0, budget - slice.count)
                }
                return PartitionFetchResult(errorCode: 0, highWatermark: read.highWatermark,
                                            logStartOffset: read.logStartOffset, records: slice)
            } catch {
                let log = try? store.partition(request.topic, request.partition)
                return PartitionFetchResult(errorCode: error.kafkaErrorCode, highWatermark: log?.highWatermark ?? -1,
                                            logStartOffset: log?.logStartOffset ?? -1)
            }
        }
    }
}
