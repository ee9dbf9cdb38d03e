/// Builds an uncompressed RecordBatch v2 with a correct CRC: what a producer sends.
public struct RecordBatchBuilder: Sendable {
    public var baseOffset: Int64 = 0
    public var firstTimestamp: Int64
    public var producerId: Int64 = -1
    public var producerEpoch: Int16 = -1
    public var baseSequence: Int32 = -1
    public var attributes: Int16 = 0
    public private(set) var records: [Record] = []

    public init(firstTimestamp: Int64) {
        self.firstTimestamp = firstTimestamp
    }

    /// Appends a record; its offset delta is its position in the batch.
    public mutating func append(key: [UInt8]?, value: [UInt8]?, headers: [Record.Header] = [], timestampDelta: Int64 = 0) {
        records.append(Record(offsetDelta: Int32(records.count), timestampDelta: timestampDelta,
                              key: key, value: value, headers: headers))
    }

    /// The encoded batch.
    public func build() -> [UInt8] {
        var body: [UInt8] = []
        for record in records { body.append(contentsOf: record.encoded()) }
        let maxDelta = records.map(\.timestampDelta).max() ?? 0
        var header = RecordBatchHeader(
            baseOffset: baseOffset,
            batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + body.count),
            attributes: attributes,
            lastOffsetDelta: Int32(max(records.count - 1, 0)),
            firstTimestamp: firstTimestamp,
            maxTimestamp: firstTimestamp + maxDelta,
            producerId: producerId,
            producerEpoch: producerEpoch,
            baseSequence: baseSequence,
            recordCount: Int32(records.count)
        )
        var bytes = [UInt8](repeating: 0, count: RecordBatchHeader.size)
        bytes.append(contentsOf: body)
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        header.crc = bytes.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.Offset.attributes...]))
        }
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        return bytes
    }
}
