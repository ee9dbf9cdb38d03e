import NIOCore

/// Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that
/// many bytes. A negative size or one above `socket.request.max.bytes` is not a Kafka
/// client talking: the decoder fires an error and the connection is closed without a
/// response, as Kafka does.
///
/// Not a `ByteToMessageDecoder` on purpose. That one accumulates every read into one
/// buffer and compacts it after each frame; while the previous frame (a slice of that buffer)
/// is still being handled, compacting copies the buffer into fresh storage, so a 1 MB
/// produce request was copied several times and the broker page-faulted on new memory.
/// Here a frame that a read holds whole is a slice of that read (no copy). A larger frame
/// gets a buffer of exactly its size: what came so far is copied in (without `rep movsb`:
/// see `writeFrameBytes`), and when at least `inPlaceMinimum` bytes are still to come the
/// frame is lent to `readTarget`, so the following reads land in it directly.
final class KafkaFrameDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Why a connection's byte stream was refused.
    enum FrameError: Error, CustomStringConvertible {
        case invalidSize(Int32, limit: Int)
        /// A lent frame did not come back with the read it was handed to. NIO drops the buffer
        /// of a read that finds nothing, and `FrameRecvByteBufferAllocator` never hands the
        /// frame to a read that might; should one still be lost, the stream cannot go on.
        case lostFrame

        var description: String {
            switch self {
            case let .invalidSize(size, limit): "request frame size \(size) outside 0...\(limit)"
            case .lostFrame: "a partly received request frame was lost between socket reads"
            }
        }
    }

    private enum State {
        /// Reading the 4-byte size; `partial` holds the size bytes that came so far.
        case size(partial: ByteBuffer?)
        /// Filling a frame of `total` bytes by copying reads into it.
        case body(frame: ByteBuffer, total: Int)
        /// The frame of `total` bytes starting at `address` is lent to `readTarget`: the next
        /// read's data is the frame with that read appended.
        case lent(total: Int, address: UInt)
        /// The stream was refused; everything after is ignored.
        case failed
    }

    /// Below this many missing bytes a frame is finished by copying: reading in place caps a
    /// read at the frame's end, which could cost a system call more per frame.
    static let inPlaceMinimum = 32 * 1024

    let maximumFrameSize: Int
    let readTarget: FrameReadTarget?
    private var state = State.size(partial: nil)

    init(maximumFrameSize: Int, readTarget: FrameReadTarget? = nil) {
        self.maximumFrameSize = maximumFrameSize
        self.readTarget = readTarget
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        // Only a decoder with a read target lends frames.
        if case let .lent(total, address) = state, let readTarget {
            if let frame = readTarget.takeFrame() {
                // No read asked for the frame (a channel reading into buffers of its own, or a
                // read NIO made at once after a full one): `input` is the next bytes of the
                // stream, copied in below.
                state = .body(frame: frame, total: total)
            } else if !readTarget.state.value.frameInFlight {
                state = .failed
                context.fireErrorCaught(FrameError.lostFrame)
                return
            } else if input.readableBytes < total {
                readTarget.lend(input)
                return
            } else if let frame = input.readSlice(length: total) {
                if frame.startAddress == address {
                    readTarget.state.value.framesReadInPlace += 1
                } else {
                    readTarget.state.value.framesMoved += 1
                }
                state = .size(partial: nil)
                context.fireChannelRead(wrapInboundOut(frame))
            }
        }
        while input.readableBytes > 0 {
            switch state {
            case .failed, .lent:
                return
            case let .size(partial):
                guard let size = readSize(from: &input, partial: partial) else { return }
                guard size >= 0, Int(size) <= maximumFrameSize else {
                    state = .failed
                    context.fireErrorCaught(FrameError.invalidSize(size, limit: maximumFrameSize))
                    return
                }
                if let frame = input.readSlice(length: Int(size)) {
                    state = .size(partial: nil)
                    context.fireChannelRead(wrapInboundOut(frame))
                } else {
                    // The rest of this read goes in on the next turn of the loop.
                    state = .body(frame: context.channel.allocator.buffer(capacity: Int(size)), total: Int(size))
                }
            case .body(var frame, let total):
                state = .failed  // drop the enum's reference so `frame` is unique and grows in place
                let missing = total - frame.readableBytes
                if let rest = input.readSlice(length: min(missing, input.readableBytes)) {
                    frame.writeFrameBytes(rest)
                }
                if frame.readableBytes == total {
                    state = .size(partial: nil)
                    context.fireChannelRead(wrapInboundOut(frame))
                } else if let readTarget, readTarget.acceptsFrames,
                          total - frame.readableBytes >= Self.inPlaceMinimum {
                    state = .lent(total: total, address: frame.startAddress)
                    readTarget.lend(frame)
                } else {
                    state = .body(frame: frame, total: total)
                }
            }
        }
    }

    /// The frame size, once all 4 bytes are there; otherwise keeps what came in `state`.
    private func readSize(from input: inout ByteBuffer, partial: ByteBuffer?) -> Int32? {
        guard var partial else {
            if let size = input.readInteger(as: Int32.self) { return size }
            state = .size(partial: input.readSlice(length: input.readableBytes))
            return nil
        }
        if let more = input.readSlice(length: min(4 - partial.readableBytes, input.readableBytes)) {
            partial.writeImmutableBuffer(more)
        }
        guard let size = partial.readInteger(as: Int32.self) else {
            state = .size(partial: partial)
            return nil
        }
        return size
    }
}

extension ByteBuffer {
    /// Where the readable bytes start in memory, to tell whether a buffer was copied.
    fileprivate var startAddress: UInt {
        withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
    }
}
