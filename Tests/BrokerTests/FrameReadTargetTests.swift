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

    /// Feeds `bytes` the way NIO reads a socket through `FrameRecvByteBufferAllocator`: every
    /// read asks it for a buffer and fills at most that buffer's free space, up to `chunk`.
    private func decodeLikeNIO(_ bytes: [UInt8], chunk: Int) throws -> (frames: [[UInt8]], counters: FrameReadTarget.State) {
        let loop = EmbeddedEventLoop()
        let target = FrameReadTarget(eventLoop: loop, pooledReads: 4)
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1 << 22, readTarget: target), loop: loop)
        var allocator = FrameRecvByteBufferAllocator(target: target)
        var offset = 0
        while offset < bytes.count {
            var buffer = allocator.buffer(allocator: channel.allocator)
            let count = min(chunk, buffer.writableBytes, bytes.count - offset)
            buffer.writeBytes(bytes[offset..<(offset + count)])
            _ = allocator.record(actualReadBytes: count)
            offset += count
            try channel.writeInbound(buffer)
        }
        var frames: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) { frames.append(Array(frame.readableBytesView)) }
        _ = try channel.finish()
        return (frames, target.state.value)
    }

    @Test(arguments: [1000, 4096, 65_536, 1 << 20])
    func largeFramesFillTheirOwnBufferAndComeOutWhole(chunk: Int) throws {
        let lengths = [3, 10, 100_000, 5, 40_000, 2_000_000, 33_000, 0, 7]
        let bytes = stream(lengths)
        let (frames, counters) = try decodeLikeNIO(bytes, chunk: chunk)
        #expect(frames == stream(lengths).framesOf(lengths))
        #expect(counters.framesMoved == 0)
        // Only frames with more than `inPlaceMinimum` still missing after a read are lent.
        #expect(counters.framesReadInPlace >= (chunk <= 65_536 ? 2 : 1))
        #expect(counters.lentFrame == nil)
    }

    @Test func aLentFrameNoReadAskedForIsFinishedByCopying() throws {
        let loop = EmbeddedEventLoop()
        let target = FrameReadTarget(eventLoop: loop, pooledReads: 0)
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1 << 20, readTarget: target), loop: loop)
        let lengths = [200_000, 4]
        let bytes = stream(lengths)
        for start in stride(from: 0, to: bytes.count, by: 10_000) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + 10_000, bytes.count)]))
        }
        var frames: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) { frames.append(Array(frame.readableBytesView)) }
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
