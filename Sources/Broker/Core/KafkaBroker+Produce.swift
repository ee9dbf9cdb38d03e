import LogStore
import NIOCore

/// Produce, independent of the wire version: what one partition's records get.
struct PartitionProduceResult: Sendable {
    var errorCode: Int16
    var baseOffset: Int64 = -1
    var logStartOffset: Int64 = -1
    var errorMessage: String?
}

extension KafkaBroker {
    /// Appends one partition's record set and, when the flush policy says so for these
    /// `acks`, waits until it is on disk (sharing the fsync with concurrent producers).
    func produce(topic: String, partition: Int32, records: ByteBuffer, acks: Int16) async -> PartitionProduceResult {
        guard acks == 0 || acks == 1 || acks == -1 else { return PartitionProduceResult(errorCode: 21) }  // INVALID_REQUIRED_ACKS
        let result: AppendResult
        let log: PartitionLog
        do throws(LogStoreError) {
            log = try partitionLog(topic, partition, create: true)
            result = try records.withUnsafeReadableBytes { raw in
                Result { () throws(LogStoreError) in try log.append(raw) }
            }.get()
        } catch {
            return PartitionProduceResult(errorCode: error.kafkaErrorCode, errorMessage: error.description)
        }
        metrics.bytesIn.increment(by: Int64(records.readableBytes))
        if !result.isDuplicate { notifier.appended(to: TopicPartition(topic, partition)) }
        if configuration.flush.requiresSync(acks: acks) {
            do {
                try await log.sync(upTo: result.lastOffset + 1)
            } catch {
                logger.error("fsync failed for \(topic)-\(partition): \(error)")
                return PartitionProduceResult(errorCode: -1, errorMessage: "\(error)")
            }
        }
        return PartitionProduceResult(errorCode: 0, baseOffset: result.baseOffset, logStartOffset: result.logStartOffset)
    }
}
