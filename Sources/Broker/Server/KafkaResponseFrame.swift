import LogStore
import NIOCore

/// One response as it goes on the wire: in-memory parts and, for fetches, byte ranges of
/// segment files that the kernel sends straight from the page cache (`sendfile`).
public struct KafkaResponseFrame: Sendable {
    /// A piece of the response body.
    public enum Part: Sendable {
        case bytes(ByteBuffer)
        case file(FileSlice)

        var count: Int {
            switch self {
            case let .bytes(buffer): buffer.readableBytes
            case let .file(slice): slice.count
            }
        }
    }

    /// The body parts in order; the 4-byte size prefix is added when writing.
    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }
    public init(_ buffer: ByteBuffer) { parts = [.bytes(buffer)] }

    /// Size of the body, as written in the frame's size prefix.
    public var size: Int { parts.reduce(0) { $0 + $1.count } }
}

/// What the connection should do with a request.
public enum RequestOutcome: Sendable {
    /// Send this response (in request order).
    case respond(KafkaResponseFrame)
    /// Send nothing (Produce with acks=0).
    case noResponse
    /// Close the connection without answering (malformed request).
    case close(reason: String)
}

/// Writes response frames: size prefix, memory parts, and file parts as `FileRegion`s whose
/// descriptors stay owned by the log (the slice keeps its segment file open until sent).
final class KafkaResponseEncoder: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = KafkaResponseFrame
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        var prefix = context.channel.allocator.buffer(capacity: 4)
        prefix.writeInteger(Int32(truncatingIfNeeded: frame.size))
        var pending: [(IOData, (@Sendable () -> Void)?)] = [(.byteBuffer(prefix), nil)]
        for part in frame.parts {
            switch part {
            case let .bytes(buffer):
                if case .byteBuffer(var previous) = pending[pending.count - 1].0, pending[pending.count - 1].1 == nil,
                   previous.readableBytes + buffer.readableBytes <= 64 * 1024 {
                    // Coalesce small parts into one write.
                    var copy = buffer
                    previous.writeBuffer(&copy)
                    pending[pending.count - 1] = (.byteBuffer(previous), nil)
                } else {
                    pending.append((.byteBuffer(buffer), nil))
                }
            case let .file(slice):
                let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: slice.file.descriptor)
                let region = FileRegion(fileHandle: handle, readerIndex: Int(slice.position),
                                        endIndex: Int(slice.position) + slice.count)
                let release: @Sendable () -> Void = {
                    // The descriptor belongs to the LogFile; the handle only borrowed it.
                    _ = try? handle.takeDescriptorOwnership()
                    withExtendedLifetime(slice.file) {}
                }
                pending.append((.fileRegion(region), release))
            }
        }
        for (index, (data, release)) in pending.enumerated() {
            let isLast = index == pending.count - 1
            let writePromise: EventLoopPromise<Void>? = (release != nil || isLast) ? context.eventLoop.makePromise() : nil
            if let writePromise {
                writePromise.futureResult.whenComplete { result in
                    release?()
                    if isLast { promise?.completeWith(result) }
                }
            }
            context.write(wrapOutboundOut(data), promise: writePromise)
        }
    }
}
