/// The fixed 61-byte header of a Kafka RecordBatch (magic 2).
///
/// The broker stores batches exactly as producers sent them; this header is all it ever
/// needs to read: offsets, timestamps, producer identity and the CRC that guards the rest.
public struct RecordBatchHeader: Sendable, Equatable {
    /// Size of the header in bytes; records follow it.
    public static let size = 61
    /// Bytes before `batchLength`'s coverage starts (baseOffset + batchLength).
    public static let logOverhead = 12
    /// The smallest legal `batchLength` (a header with no records).
    public static let minimumBatchLength = Int32(size - logOverhead)

    public enum Offset {
        public static let baseOffset = 0
        public static let batchLength = 8
        public static let partitionLeaderEpoch = 12
        public static let magic = 16
        public static let crc = 17
        public static let attributes = 21
        public static let lastOffsetDelta = 23
        public static let firstTimestamp = 27
        public static let maxTimestamp = 35
        public static let producerId = 43
        public static let producerEpoch = 51
        public static let baseSequence = 53
        public static let recordCount = 57
    }

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var firstTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    /// Total bytes of the batch on the wire and on disk.
    public var totalSize: Int { Int(batchLength) + Self.logOverhead }
    /// Offset of the last record in the batch.
    /// Wrapping: the base offset is not covered by the CRC, so on bytes read back from disk
    /// it may be garbage, which must not trap whoever adds to it.
    public var lastOffset: Int64 { baseOffset &+ Int64(lastOffsetDelta) }
    /// Compression codec in bits 0–2 of the attributes.
    public var compression: CompressionCodec? { CompressionCodec(rawValue: Int(attributes & 0x07)) }
    public var isTransactional: Bool { attributes & 0x10 != 0 }
    public var isControl: Bool { attributes & 0x20 != 0 }
    public var usesLogAppendTime: Bool { attributes & 0x08 != 0 }
    /// True when the batch came from an idempotent or transactional producer.
    public var hasProducerId: Bool { producerId >= 0 }
    /// The last sequence number in the batch, wrapping at Int32.max as Kafka does.
    public var lastSequence: Int32 {
        guard baseSequence >= 0 else { return -1 }
        let last = Int64(baseSequence) + Int64(lastOffsetDelta)
        return Int32(truncatingIfNeeded: last > Int64(Int32.max) ? last - Int64(Int32.max) - 1 : last)
    }

    public init(
        baseOffset: Int64, batchLength: Int32, partitionLeaderEpoch: Int32 = -1, magic: Int8 = 2,
        crc: UInt32 = 0, attributes: Int16 = 0, lastOffsetDelta: Int32, firstTimestamp: Int64,
        maxTimestamp: Int64, producerId: Int64 = -1, producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1, recordCount: Int32
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.firstTimestamp = firstTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Reads a header from the first 61 bytes of `bytes` without validating it.
    /// Returns nil when fewer than 61 bytes are available.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        baseOffset = bytes.readBigEndian(at: Offset.baseOffset)
        batchLength = bytes.readBigEndian(at: Offset.batchLength)
        partitionLeaderEpoch = bytes.readBigEndian(at: Offset.partitionLeaderEpoch)
        magic = Int8(bitPattern: bytes[Offset.magic])
        crc = bytes.readBigEndian(at: Offset.crc)
        attributes = bytes.readBigEndian(at: Offset.attributes)
        lastOffsetDelta = bytes.readBigEndian(at: Offset.lastOffsetDelta)
        firstTimestamp = bytes.readBigEndian(at: Offset.firstTimestamp)
        maxTimestamp = bytes.readBigEndian(at: Offset.maxTimestamp)
        producerId = bytes.readBigEndian(at: Offset.producerId)
        producerEpoch = bytes.readBigEndian(at: Offset.producerEpoch)
        baseSequence = bytes.readBigEndian(at: Offset.baseSequence)
        recordCount = bytes.readBigEndian(at: Offset.recordCount)
    }

    /// Writes the header into the first 61 bytes of `bytes`.
    public func write(to bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= Self.size, "buffer too small for a record batch header")
        bytes.writeBigEndian(baseOffset, at: Offset.baseOffset)
        bytes.writeBigEndian(batchLength, at: Offset.batchLength)
        bytes.writeBigEndian(partitionLeaderEpoch, at: Offset.partitionLeaderEpoch)
        bytes[Offset.magic] = UInt8(bitPattern: magic)
        bytes.writeBigEndian(crc, at: Offset.crc)
        bytes.writeBigEndian(attributes, at: Offset.attributes)
        bytes.writeBigEndian(lastOffsetDelta, at: Offset.lastOffsetDelta)
        bytes.writeBigEndian(firstTimestamp, at: Offset.firstTimestamp)
        bytes.writeBigEndian(maxTimestamp, at: Offset.maxTimestamp)
        bytes.writeBigEndian(producerId, at: Offset.producerId)
        bytes.writeBigEndian(producerEpoch, at: Offset.producerEpoch)
        bytes.writeBigEndian(baseSequence, at: Offset.baseSequence)
        bytes.writeBigEndian(recordCount, at: Offset.recordCount)
    }
}

/// Record compression codecs (RecordBatch attributes bits 0–2).
public enum CompressionCodec: Int, Sendable {
    case none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4
}

extension UnsafeRawBufferPointer {
    @inlinable
    func readBigEndian<T: FixedWidthInteger>(at offset: Int) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable
    func writeBigEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }
}
