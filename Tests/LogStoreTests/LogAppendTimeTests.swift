import KafkaProtocol
import Testing
@testable import LogStore

@Suite struct LogAppendTimeTests {
    @Test func aLogAppendTimeTopicStampsEachBatchWithTheAppendTimeAndAValidCRC() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let appendedAt = clock.function()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["message.timestamp.type": "LogAppendTime"])
        let log = try store.partition("t", 0)
        let producerTime: Int64 = 1_000
        let sent = [makeBatch(count: 3, tag: 1, timestamp: producerTime), makeBatch(count: 2, tag: 2, timestamp: producerTime)]
        let result = try log.append(sent[0] + sent[1])
        #expect(result.logAppendTimeMs == appendedAt)

        clock.advance(by: 5_000)
        let stored = try log.readAll()
        let headers = try batches(in: stored)  // checks every CRC
        #expect(headers.map(\.baseOffset) == [0, 3])
        for header in headers {
            #expect(header.usesLogAppendTime)
            #expect(header.maxTimestamp == appendedAt)
            #expect(header.firstTimestamp == producerTime)
        }
        // Only the header changed: the records are the producer's bytes.
        let firstSize = headers[0].totalSize
        #expect(Array(stored[RecordBatchHeader.size..<firstSize]) == Array(sent[0][RecordBatchHeader.size...]))
        #expect(Array(stored[(firstSize + RecordBatchHeader.size)...]) == Array(sent[1][RecordBatchHeader.size...]))
        // The time index holds the append time, so ListOffsets by time finds it.
        #expect(try log.offset(for: .timestamp(producerTime + 10))?.offset == 0)
        #expect(try log.offset(for: .timestamp(appendedAt + 1)) == nil)
        try store.close()

        let reopened = try LogStore(directory: dir.path)
        #expect(try batches(in: reopened.partition("t", 0).readAll()).map(\.maxTimestamp) == [appendedAt, appendedAt])
        try reopened.close()
    }

    @Test func aCreateTimeTopicKeepsTheProducersBytesAndSwitchingAppliesToLaterAppends() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        let sent = makeBatch(count: 2, timestamp: 1_000)
        #expect(try log.append(sent).logAppendTimeMs == -1)
        #expect(try log.readAll() == sent)  // base offset 0 is what the producer sent too

        try store.setConfig("t", overrides: ["message.timestamp.type": "LogAppendTime"])
        #expect(try log.append(makeBatch(timestamp: 1_000)).logAppendTimeMs == clock.function())
        #expect(try batches(in: log.readAll()).map(\.usesLogAppendTime) == [false, true])
        try store.close()
    }

    @Test func timestampTypeCompressionTypeAndMinInsyncReplicasAreCheckedAndDescribed() throws {
        #expect(try LogConfig().applying(["message.timestamp.type": "LogAppendTime"]).timestampType == .logAppendTime)
        #expect(try LogConfig().applying(["message.timestamp.type": "CreateTime"]).timestampType == .createTime)
        #expect(throws: LogStoreError.self) { try LogConfig().applying(["message.timestamp.type": "logappendtime"]) }
        #expect(throws: LogStoreError.self) { try LogConfig().applying(["compression.type": "gzip"]) }
        _ = try LogConfig().applying(["compression.type": "producer"])
        #expect(try LogConfig().applying(["min.insync.replicas": "2"]).minInsyncReplicas == 2)
        #expect(throws: LogStoreError.self) { try LogConfig().applying(["min.insync.replicas": "0"]) }
        let described = LogConfig().asStrings
        #expect(described["min.insync.replicas"] == "1")
        #expect(described["message.timestamp.type"] == "CreateTime" && described["compression.type"] == "producer")
    }
}
