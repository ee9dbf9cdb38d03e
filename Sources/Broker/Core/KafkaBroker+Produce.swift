import KafkaProtocol
import LogStore
import NIOCore

/// Produce, independent of the wire version: what one partition's records get.
struct PartitionProduceResult: Sendable {
    var errorCode: Int16
    var baseOffset: Int64 = -1
    var logStartOffset: Int64 = -1
    /// The append time the batches carry on a `LogAppendTime` topic; -1 otherwise.
    var logAppendTimeMs: Int64 = -1
    var errorMessage: String?
}

/// One partition's record set on its way into the log: checked first (concurrently with the
/// connection's other requests), then appended in the connection's turn, then, for some
/// `acks`, waited on until it is durable.
enum PartitionProduce: Sendable {
    /// Passed the checks; append `records` to `log`.
    case validated(log: PartitionLog, records: ByteBuffer, batches: ValidatedBatches)
    /// Appended; durable once `log` has synced up to `end`, if that is still awaited.
    case appended(PartitionProduceResult, awaiting: (log: PartitionLog, end: Int64)?)
    /// Failed; this is the answer.
    case done(PartitionProduceResult)

    var result: PartitionProduceResult {
        switch self {
        case .validated: PartitionProduceResult(errorCode: ErrorCode.unknownServerError.rawValue)
        case let .appended(result, _), let .done(result): result
        }
    }
}

extension KafkaBroker {
    /// The checks that need no turn: `acks` (and, for acks=all, `min.insync.replicas`), the
    /// partition (created on first use) and the batches' framing and CRCs.
    func validateProduce(topic: String, partition: Int32, records: ByteBuffer, acks: Int16) async -> PartitionProduce {
        guard acks == 0 || acks == 1 || acks == -1 else {
            return .done(PartitionProduceResult(errorCode: ErrorCode.invalidRequiredAcks.rawValue))
        }
        do throws(LogStoreError) {
            let log = try await partitionLog(topic, partition, create: true)
            if acks == -1, case let required = log.config.minInsyncReplicas, required > 1 {
                // The in-sync replicas are this node alone: Kafka answers the same on one broker.
                return .done(PartitionProduceResult(errorCode: ErrorCode.notEnoughReplicas.rawValue,
                                                    errorMessage: "min.insync.replicas is \(required) and this broker is the only replica"))
            }
            let batches = try records.withUnsafeReadableBytes { raw in
                Result { () throws(LogStoreError) in try log.validate(raw) }
            }.get()
            return .validated(log: log, records: records, batches: batches)
        } catch {
            return .done(PartitionProduceResult(errorCode: error.kafkaErrorCode, errorMessage: error.description))
        }
    }

    /// Appends a validated record set. Call in the request's write turn.
    func append(_ produce: PartitionProduce, topic: String, partition: Int32, acks: Int16) -> PartitionProduce {
        guard case let .validated(log, records, batches) = produce else { return produce }
        let appended: AppendResult
        do throws(LogStoreError) {
            appended = try records.withUnsafeReadableBytes { raw in
                Result { () throws(LogStoreError) in try log.append(raw, validated: batches) }
            }.get()
        } catch {
            return .done(PartitionProduceResult(errorCode: error.kafkaErrorCode, errorMessage: error.description))
        }
        metrics.bytesIn.increment(by: Int64(records.readableBytes))
        if !appended.isDuplicate { notifier.appended(to: TopicPartition(topic, partition)) }
        let result = PartitionProduceResult(errorCode: 0, baseOffset: appended.baseOffset, logStartOffset: appended.logStartOffset,
                                            logAppendTimeMs: appended.logAppendTimeMs)
        let mustSync = configuration.flush.requiresSync(acks: acks)
        return .appended(result, awaiting: mustSync ? (log, appended.lastOffset + 1) : nil)
    }

    /// Waits, when the flush policy says so for these `acks`, until an appended record set
    /// is on disk (sharing the fsync with concurrent producers).
    func awaitDurable(_ produce: PartitionProduce, topic: String, partition: Int32) async -> PartitionProduceResult {
        guard case let .appended(result, awaiting?) = produce else { return produce.result }
        do {
            try await awaiting.log.sync(upTo: awaiting.end)
        } catch {
            logger.error("fsync failed for \(topic)-\(partition): \(error)")
            // KAFKA_STORAGE_ERROR, as for the appends the partition refuses after it.
            let code = (error as? LogStoreError)?.kafkaErrorCode ?? ErrorCode.unknownServerError.rawValue
            return PartitionProduceResult(errorCode: code, errorMessage: "\(error)")
        }
        return result
    }
}
