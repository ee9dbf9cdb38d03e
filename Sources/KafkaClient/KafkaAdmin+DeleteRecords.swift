import CKafka

extension KafkaAdmin {
    /// Deletes the records below each partition's `offset` (``KafkaOffset/end``: all of
    /// them) and returns each partition with its new low watermark as the offset. Throws the
    /// first partition's error, e.g. OFFSET_OUT_OF_RANGE for an offset past the high watermark.
    public func deleteRecords(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(30)) async throws -> [KafkaTopicPartition] {
        try await run { () throws(KafkaError) in try self.deleteRecordsBlocking(partitions, timeout: timeout) }
    }

    func deleteRecordsBlocking(_ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError) -> [KafkaTopicPartition] {
        let list = partitions.makeCList()
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard let request = rd_kafka_DeleteRecords_new(list) else { throw KafkaError.invalid("no DeleteRecords request") }
        defer { rd_kafka_DeleteRecords_destroy(request) }
        var requests: [OpaquePointer?] = [request]
        var lowWatermarks: [KafkaTopicPartition] = []
        try runAdmin(timeout: timeout, expecting: RD_KAFKA_EVENT_DELETERECORDS_RESULT) { queue, options in
            rd_kafka_DeleteRecords(handle.pointer, &requests, 1, options, queue)
        } result: { event throws(KafkaError) in
            guard let offsets = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)) else { return }
            if let error = firstError(in: offsets) { throw error }
            lowWatermarks = [KafkaTopicPartition](offsets)
        }
        return lowWatermarks.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }
}
