import NIOCore

/// Request header v1 (the non-flexible one): what precedes every request body.
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// Reads api key, version and correlation id, which sit at the same place in every
    /// header version: enough to answer a request whose version is too new.
    public static func peek(_ frame: ByteBuffer) -> (apiKey: Int16, apiVersion: Int16, correlationId: Int32)? {
        guard let key = frame.getInteger(at: frame.readerIndex, as: Int16.self),
              let version = frame.getInteger(at: frame.readerIndex + 2, as: Int16.self),
              let correlation = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self)
        else { return nil }
        return (key, version, correlation)
    }

    /// Decodes a v1 header, leaving the body in `frame`.
    public static func decode(from frame: inout ByteBuffer) throws(KafkaProtocolError) -> RequestHeader {
        var coder = WireCoder(reading: frame)
        var header = RequestHeader(apiKey: 0, apiVersion: 0, correlationId: 0, clientId: nil)
        try coder.int16(&header.apiKey, "request api key")
        try coder.int16(&header.apiVersion, "request api version")
        try coder.int32(&header.correlationId, "correlation id")
        try coder.nullableString(&header.clientId, "client id")
        frame = coder.buffer
        return header
    }

    /// Encodes the header (clients and tests).
    public func encode(into buffer: inout ByteBuffer) {
        var coder = WireCoder(writing: buffer)
        var copy = self
        try? coder.int16(&copy.apiKey)
        try? coder.int16(&copy.apiVersion)
        try? coder.int32(&copy.correlationId)
        try? coder.nullableString(&copy.clientId)
        buffer = coder.buffer
    }
}
