import NIOCore

/// A message that can be read from and written to the (non-flexible) Kafka wire format.
///
/// Each message describes its fields once, in `code(_:version:)`; the same description
/// decodes a frame and encodes one, so the two directions cannot disagree.
public protocol KafkaMessage: Sendable {
    init()
    mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError)
}

extension KafkaMessage {
    /// Decodes a message from `buffer`, consuming what it reads.
    public static func decode(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError) -> Self {
        var coder = WireCoder(reading: buffer)
        var message = Self()
        try message.code(&coder, version: version)
        buffer = coder.buffer
        return message
    }

    /// Appends the message to `buffer`.
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        var coder = WireCoder(writing: buffer)
        var copy = self
        // Writing never throws: every failure is a read-side bounds check.
        try? copy.code(&coder, version: version)
        buffer = coder.buffer
    }

    /// Encodes into a fresh buffer, also returning where external record bytes go.
    public func encoded(version: Int16, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> (ByteBuffer, [ExternalRecords]) {
        var coder = WireCoder(writing: allocator.buffer(capacity: 256))
        var copy = self
        try? copy.code(&coder, version: version)
        return (coder.buffer, coder.externalRecords)
    }
}

/// Where a response leaves room for record bytes that the caller sends from elsewhere (a
/// segment file): the size prefix is written, the bytes are not.
public struct ExternalRecords: Sendable, Equatable {
    /// Position in the encoded buffer right after the size prefix.
    public var position: Int
    /// The caller's token from `RecordsPayload.external`.
    public var token: Int
}

/// Record bytes in a Produce request or Fetch response: kept as raw bytes, never decoded.
public enum RecordsPayload: Sendable, Equatable {
    /// Null records.
    case none
    /// Bytes in memory.
    case bytes(ByteBuffer)
    /// `length` bytes the caller splices in after encoding, identified by `token`.
    case external(length: Int, token: Int)

    /// Byte count of the payload (0 for none).
    public var count: Int {
        switch self {
        case .none: 0
        case let .bytes(buffer): buffer.readableBytes
        case let .external(length, _): length
        }
    }
}

/// Reads or writes Kafka primitives, depending on how it was made.
public struct WireCoder {
    public private(set) var buffer: ByteBuffer
    public let isReading: Bool
    public private(set) var externalRecords: [ExternalRecords] = []

    init(reading buffer: ByteBuffer) {
        self.buffer = buffer
        isReading = true
    }

    init(writing buffer: ByteBuffer) {
        self.buffer = buffer
        isReading = false
    }

    public mutating func int8(_ value: inout Int8, _ field: String = "int8") throws(KafkaProtocolError) { try integer(&value, field) }
    public mutating func int16(_ value: inout Int16, _ field: String = "int16") throws(KafkaProtocolError) { try integer(&value, field) }
    public mutating func int32(_ value: inout Int32, _ field: String = "int32") throws(KafkaProtocolError) { try integer(&value, field) }
    public mutating func int64(_ value: inout Int64, _ field: String = "int64") throws(KafkaProtocolError) { try integer(&value, field) }

    public mutating func bool(_ value: inout Bool, _ field: String = "bool") throws(KafkaProtocolError) {
        var byte: Int8 = value ? 1 : 0
        try integer(&byte, field)
        value = byte != 0
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: inout T, _ field: String) throws(KafkaProtocolError) {
        if isReading {
            guard let read = buffer.readInteger(as: T.self) else { throw .truncated(field: field) }
            value = read
        } else {
            buffer.writeInteger(value)
        }
    }

    public mutating func string(_ value: inout String, _ field: String = "string") throws(KafkaProtocolError) {
        var optional: String? = value
        try nullableString(&optional, field)
        value = optional ?? ""
    }

    public mutating func nullableString(_ value: inout String?, _ field: String = "string") throws(KafkaProtocolError) {
        if isReading {
            guard let length = buffer.readInteger(as: Int16.self) else { throw .truncated(field: field) }
            if length == -1 {
                value = nil
                return
            }
            guard length >= 0 else { throw .invalidLength(field: field, length: Int(length)) }
            guard let bytes = buffer.readSlice(length: Int(length)) else { throw .truncated(field: field) }
            guard let string = bytes.getString(at: bytes.readerIndex, length: bytes.readableBytes),
                  string.utf8.count == Int(length)
            else { throw .invalidString(field: field) }
            value = string
        } else if let value {
            let utf8 = value.utf8
            buffer.writeInteger(Int16(truncatingIfNeeded: min(utf8.count, Int(Int16.max))))
            buffer.writeBytes(utf8.prefix(Int(Int16.max)))
        } else {
            buffer.writeInteger(Int16(-1))
        }
    }

    public mutating func bytes(_ value: inout [UInt8], _ field: String = "bytes") throws(KafkaProtocolError) {
        var payload: ByteBuffer? = ByteBuffer(bytes: value)
        try nullableBytes(&payload, field)
        value = payload.map { Array($0.readableBytesView) } ?? []
    }

    public mutating func nullableBytes(_ value: inout ByteBuffer?, _ field: String = "bytes") throws(KafkaProtocolError) {
        if isReading {
            guard let length = buffer.readInteger(as: Int32.self) else { throw .truncated(field: field) }
            if length == -1 {
                value = nil
                return
            }
            guard length >= 0 else { throw .invalidLength(field: field, length: Int(length)) }
            guard let bytes = buffer.readSlice(length: Int(length)) else { throw .truncated(field: field) }
            value = bytes
        } else if var value {
            buffer.writeInteger(Int32(value.readableBytes))
            buffer.writeBuffer(&value)
        } else {
            buffer.writeInteger(Int32(-1))
        }
    }

    /// Records as raw bytes; on write, `.external` leaves a hole for the caller.
    public mutating func records(_ value: inout RecordsPayload, _ field: String = "records") throws(KafkaProtocolError) {
        if isReading {
            var bytes: ByteBuffer?
            try nullableBytes(&bytes, field)
            value = bytes.map { .bytes($0) } ?? RecordsPayload.none
            return
        }
        switch value {
        case .none:
            buffer.writeInteger(Int32(-1))
        case var .bytes(bytes):
            buffer.writeInteger(Int32(bytes.readableBytes))
            buffer.writeBuffer(&bytes)
        case let .external(length, token):
            buffer.writeInteger(Int32(length))
            externalRecords.append(ExternalRecords(position: buffer.writerIndex, token: token))
        }
    }

    public mutating func array<T: KafkaMessage>(_ value: inout [T], version: Int16, _ field: String = "array") throws(KafkaProtocolError) {
        var optional: [T]? = value
        try nullableArray(&optional, version: version, field)
        value = optional ?? []
    }

    public mutating func nullableArray<T: KafkaMessage>(_ value: inout [T]?, version: Int16, _ field: String = "array") throws(KafkaProtocolError) {
        if isReading {
            guard let count = try readCount(field, minimumElementSize: 1) else {
                value = nil
                return
            }
            var elements: [T] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                var element = T()
                try element.code(&self, version: version)
                elements.append(element)
            }
            value = elements
        } else if let elements = value {
            buffer.writeInteger(Int32(elements.count))
            for var element in elements { try element.code(&self, version: version) }
        } else {
            buffer.writeInteger(Int32(-1))
        }
    }

    public mutating func int32Array(_ value: inout [Int32], _ field: String = "[]int32") throws(KafkaProtocolError) {
        if isReading {
            let count = try readCount(field, minimumElementSize: 4) ?? 0
            value = []
            value.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = buffer.readInteger(as: Int32.self) else { throw .truncated(field: field) }
                value.append(element)
            }
        } else {
            buffer.writeInteger(Int32(value.count))
            for element in value { buffer.writeInteger(element) }
        }
    }

    public mutating func stringArray(_ value: inout [String], _ field: String = "[]string") throws(KafkaProtocolError) {
        var optional: [String]? = value
        try nullableStringArray(&optional, field)
        value = optional ?? []
    }

    public mutating func nullableStringArray(_ value: inout [String]?, _ field: String = "[]string") throws(KafkaProtocolError) {
        if isReading {
            guard let count = try readCount(field, minimumElementSize: 2) else {
                value = nil
                return
            }
            var elements: [String] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                var element = ""
                try string(&element, field)
                elements.append(element)
            }
            value = elements
        } else if let elements = value {
            buffer.writeInteger(Int32(elements.count))
            for var element in elements { try string(&element, field) }
        } else {
            buffer.writeInteger(Int32(-1))
        }
    }

    /// An array count: nil for -1 (null), checked against the bytes left so that a hostile
    /// count can never make the broker allocate.
    private mutating func readCount(_ field: String, minimumElementSize: Int) throws(KafkaProtocolError) -> Int? {
        guard let count = buffer.readInteger(as: Int32.self) else { throw .truncated(field: field) }
        if count == -1 { return nil }
        guard count >= 0, Int(count) * minimumElementSize <= buffer.readableBytes else {
            throw .invalidLength(field: field, length: Int(count))
        }
        return Int(count)
    }
}
