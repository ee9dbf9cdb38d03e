import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
@testable import Broker

/// Hands each decoded frame on, with the decoder's in-place counters at that moment.
private final class FrameCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let frames = NIOLockedValueBox<[(bytes: [UInt8], inPlace: Int, moved: Int)]>([])

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let target = try? context.pipeline.syncOperations.handler(type: KafkaFrameDecoder.self).readTarget
        let counters = target.map { ($0.state.value.framesReadInPlace, $0.state.value.framesMoved) } ?? (0, 0)
        frames.withLockedValue { $0.append((Array(frame.readableBytesView), counters.0, counters.1)) }
    }
}

@Suite struct FrameReadTargetTests {
    private func stream(_ lengths: [Int]) -> [UInt8] {
        lengths.enumerated().flatMap { index, length in
            withUnsafeBytes(of: Int32(length).bigEndian, Array.init)
                + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        }
    }

    /// A decoder fed the way NIO's `readFromSocket` reads a socket through
    /// `FrameRecvByteBufferAllocator`: on each wake-up NIO asks for a buffer, reads at most its
    /// free space, and asks again (up to `readsPerWakeup` times) while reads fill their
    /// buffers, dropping the buffer of a read that finds nothing.
    private struct ReadsLikeNIO {
        let target: FrameReadTarget
        let channel: EmbeddedChannel
        var allocator: FrameRecvByteBufferAllocator
        private(set) var consumed = 0

        init(readsPerWakeup: Int = 4) {
            let loop = EmbeddedEventLoop()
            target = FrameReadTarget(eventLoop: loop, readsPerWakeup: readsPerWakeup)
            channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1 << 22, readTarget: target), loop: loop)
            allocator = FrameRecvByteBufferAllocator(target: target)
        }

        /// One wake-up with `available` bytes of `stream` (from where the last one stopped)
        /// in the socket, or with exactly as many as the first buffer holds.
        mutating func wakeUp(_ stream: [UInt8], available: Int? = nil) throws {
            var left: Int?
            for _ in 0..<target.readsPerWakeup {
                var buffer = allocator.buffer(allocator: channel.allocator)
                let count = min(buffer.writableBytes, left ?? available ?? buffer.writableBytes, stream.count - consumed)
                guard count > 0 else { return }  // EAGAIN: NIO drops the buffer
                buffer.writeBytes(stream[consumed..<(consumed + count)])
                _ = allocator.record(actualReadBytes: count)
                consumed += count
                left = (left ?? available ?? count) - count
                try channel.writeInbound(buffer)
                if buffer.writableBytes > 0 { return }
            }
        }

        func frames() throws -> [[UInt8]] {
            let frames = try channel.inboundFrames()
            _ = try channel.finish()
            return frames
        }
    }

    private func decodeLikeNIO(_ bytes: [UInt8], chunk: Int) throws -> (frames: [[UInt8]], counters: FrameReadTarget.State) {
        var reads = ReadsLikeNIO()
        while reads.consumed < bytes.count { try reads.wakeUp(bytes, available: chunk) }
        return (try reads.frames(), reads.target.state.value)
    }

    @Test(arguments: [1000, 2048, 4096, 65_536, 1 << 20])
    func largeFramesFillTheirOwnBufferAndComeOutWhole(chunk: Int) throws {
        let lengths = [3, 10, 100_000, 5, 40_000, 2_000_000, 33_000, 0, 7]
        let bytes = stream(lengths)
        let (frames, counters) = try decodeLikeNIO(bytes, chunk: chunk)
        #expect(frames.map(\.count) == lengths)
        #expect(frames == stream(lengths).framesOf(lengths))
        #expect(counters.framesMoved == 0)
        // Only frames with more than `inPlaceMinimum` still missing after a read are lent.
        #expect(counters.framesReadInPlace >= (chunk <= 65_536 ? 2 : 1))
        #expect(counters.lentFrame == nil)
    }

    /// NIO reads again at once after a read that filled its buffer, and drops the buffer of a
    /// read that finds nothing: a frame lent then would be lost with the bytes it held.
    @Test func aFrameIsNotLentToAReadThatMayFindNothing() throws {
        let lengths = [1, 2, 3, 4, 100_000, 5]
        let bytes = stream(lengths)
        var reads = ReadsLikeNIO()
        for length in lengths.prefix(4) { try reads.wakeUp(bytes, available: 4 + length) }
        // The big frame's first bytes fill NIO's buffer exactly, and nothing follows yet.
        try reads.wakeUp(bytes)
        while reads.consumed < bytes.count { try reads.wakeUp(bytes, available: 50_000) }
        let frames = try reads.frames()
        #expect(frames.map(\.count) == lengths)
        #expect(frames == bytes.framesOf(lengths))
        #expect(reads.target.state.value.framesReadInPlace == 1)
    }

    @Test func aLentFrameThatNeverComesBackFailsTheStreamInsteadOfMisframingIt() throws {
        let loop = EmbeddedEventLoop()
        let target = FrameReadTarget(eventLoop: loop, readsPerWakeup: 1)
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1 << 20, readTarget: target), loop: loop)
        var allocator = FrameRecvByteBufferAllocator(target: target)
        let bytes = stream([100_000])
        // (With one read per wake-up, a full read is never followed at once by another.)
        var first = allocator.buffer(allocator: channel.allocator)
        first.writeBytes(bytes[0..<1000])
        _ = allocator.record(actualReadBytes: 1000)
        try channel.writeInbound(first)
        // The frame is handed to a read whose buffer is then dropped.
        _ = allocator.buffer(allocator: channel.allocator)
        var next = allocator.buffer(allocator: channel.allocator)
        next.writeBytes(bytes[1000..<2000])
        _ = allocator.record(actualReadBytes: 1000)
        #expect(throws: KafkaFrameDecoder.FrameError.self) { try channel.writeInbound(next) }
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try? channel.finish()
    }

    @Test func aLentFrameNoReadAskedForIsFinishedByCopying() throws {
        let loop = EmbeddedEventLoop()
        let target = FrameReadTarget(eventLoop: loop, readsPerWakeup: 1)
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1 << 20, readTarget: target), loop: loop)
        _ = FrameRecvByteBufferAllocator(target: target).buffer(allocator: channel.allocator)  // past the pool's reads
        let lengths = [200_000, 4]
        let bytes = stream(lengths)
        for start in stride(from: 0, to: bytes.count, by: 10_000) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + 10_000, bytes.count)]))
            if start == 0 { #expect(target.state.value.lentFrame != nil) }
        }
        let frames = try channel.inboundFrames()
        #expect(frames == bytes.framesOf(lengths))
        #expect(target.state.value.framesReadInPlace == 0)
        _ = try channel.finish()
    }

    /// NIO's own read path: the frame's buffer must reach the decoder at the address it was
    /// lent from, or NIO copied it (its buffer pool holding a second reference).
    @Test func overASocketAFrameIsReadWhereItWasLent() async throws {
        let collector = FrameCollector()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.addKafkaFrameDecoder(maximumFrameSize: 4 << 20)
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let socket = try RawSocket(port: try #require(server.localAddress?.port))
        // The first frame starts in the connection's first reads, whose buffers NIO's pool keeps.
        let lengths = [1 << 20, 8, 3 << 20]
        let bytes = stream(lengths)
        for start in stride(from: 0, to: bytes.count, by: 48 * 1024) {
            socket.send(Array(bytes[start..<min(start + 48 * 1024, bytes.count)]))
            try await Task.sleep(for: .milliseconds(2))
        }
        for _ in 0..<500 where collector.frames.withLockedValue({ $0.count }) < lengths.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        let frames = collector.frames.withLockedValue { $0 }
        #expect(frames.map(\.bytes) == bytes.framesOf(lengths))
        #expect(frames.last?.inPlace == 2)
        #expect(frames.last?.moved == 0)
    }
}

extension [UInt8] {
    /// The bodies of the size-prefixed frames of `lengths` that this stream holds.
    fileprivate func framesOf(_ lengths: [Int]) -> [[UInt8]] {
        var offset = 0
        return lengths.map { length in
            defer { offset += 4 + length }
            return Array(self[(offset + 4)..<(offset + 4 + length)])
        }
    }
}
