import NIOCore

/// Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that
/// many bytes. A negative size or one above `socket.request.max.bytes` is not a Kafka
/// client talking: the connection is closed without a response, as Kafka does.
struct KafkaFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Why a connection's byte stream was refused.
    enum FrameError: Error, CustomStringConvertible {
        case invalidSize(Int32, limit: Int)

        var description: String {
            switch self {
            case let .invalidSize(size, limit): "request frame size \(size) outside 0...\(limit)"
            }
        }
    }

    let maximumFrameSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 0, Int(size) <= maximumFrameSize else {
            throw FrameError.invalidSize(size, limit: maximumFrameSize)
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: Int(size)) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at EOF is dropped: the client went away mid-request.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
