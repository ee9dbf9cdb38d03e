/// One record of a RecordBatch v2, decoded. The broker never needs this on its hot path;
/// it is for clients, tools and tests.
public struct Record: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]?
        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.value = value
        }
    }

    public var offsetDelta: Int32
    public var timestampDelta: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [Header]

    public init(offsetDelta: Int32 = 0, timestampDelta: Int64 = 0, key: [UInt8]?, value: [UInt8]?, headers: [Header] = []) {
        self.offsetDelta = offsetDelta
        self.timestampDelta = timestampDelta
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// A malformed record inside an (uncompressed) batch.
public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension Record {
    func encoded() -> [UInt8] {
        var body: [UInt8] = [0]  // attributes
        Varint.append(timestampDelta, to: &body)
        Varint.append(Int64(offsetDelta), to: &body)
        Self.appendBytes(key, to: &body)
        Self.appendBytes(value, to: &body)
        Varint.append(Int64(headers.count), to: &body)
        for header in headers {
            Self.appendBytes(Array(header.key.utf8), to: &body)
            Self.appendBytes(header.value, to: &body)
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 5)
        Varint.append(Int64(body.count), to: &out)
        out.append(contentsOf: body)
        return out
    }

    private static func appendBytes(_ bytes: [UInt8]?, to out: inout [UInt8]) {
        guard let bytes else { return Varint.append(-1, to: &out) }
        Varint.append(Int64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Decodes the records of an uncompressed batch (the bytes after the 61-byte header).
    public static func decodeAll(_ bytes: UnsafeRawBufferPointer, count: Int) throws(RecordDecodingError) -> [Record] {
        guard count >= 0 else { throw RecordDecodingError(description: "negative record count \(count)") }
        var records: [Record] = []
        records.reserveCapacity(min(count, bytes.count / 7))
        var index = 0
        for _ in 0..<count {
            guard let body = nextBody(bytes, at: &index) else {
                throw RecordDecodingError(description: "record length out of bounds at byte \(index)")
            }
            records.append(try decodeBody(body))
        }
        return records
    }

    /// The body of the length-prefixed record at `index`, advancing `index` past it; nil
    /// when the prefix is not a varint, is negative or runs past the end.
    static func nextBody(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> UnsafeRawBufferPointer? {
        // Lengths come from a producer: compare without adding, which could overflow.
        guard let length = Varint.read(bytes, at: &index), length >= 0, length <= bytes.count - index else { return nil }
        let end = index + Int(length)
        defer { index = end }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<end])
    }

    private static func decodeBody(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodingError) -> Record {
        var index = 1  // attributes, unused in v2
        guard bytes.count >= 1,
              let timestampDelta = Varint.read(bytes, at: &index),
              let offsetDelta = Varint.read(bytes, at: &index),
              let key = try readBytes(bytes, at: &index),
              let value = try readBytes(bytes, at: &index),
              let headerCount = Varint.read(bytes, at: &index), headerCount >= 0, headerCount <= bytes.count
        else { throw RecordDecodingError(description: "truncated record") }
        var headers: [Header] = []
        for _ in 0..<headerCount {
            guard let name = try readBytes(bytes, at: &index), let name,
                  let value = try readBytes(bytes, at: &index)
            else { throw RecordDecodingError(description: "truncated record header") }
            headers.append(Header(key: String(decoding: name, as: UTF8.self), value: value))
        }
        return Record(offsetDelta: Int32(truncatingIfNeeded: offsetDelta), timestampDelta: timestampDelta,
                      key: key, value: value, headers: headers)
    }

    /// Outer optional: nil when truncated. Inner optional: a null field (length -1).
    private static func readBytes(_ bytes: UnsafeRawBufferPointer, at index: inout Int) throws(RecordDecodingError) -> [UInt8]?? {
        guard let length = Varint.read(bytes, at: &index) else { return nil }
        if length == -1 { return .some(nil) }
        guard length >= 0, length <= bytes.count - index else {
            throw RecordDecodingError(description: "record field length \(length) out of bounds")
        }
        let value = Array(bytes[index..<(index + Int(length))])
        index += Int(length)
        return .some(value)
    }
}
