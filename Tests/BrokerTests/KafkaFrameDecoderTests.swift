import NIOCore
import NIOEmbedded
import Testing
@testable import Broker

@Suite struct KafkaFrameDecoderTests {
    /// Size-prefixed frames of these lengths, each filled with its own byte value.
    private func stream(_ lengths: [Int]) -> [UInt8] {
        lengths.enumerated().flatMap { index, length in
            withUnsafeBytes(of: Int32(length).bigEndian, Array.init) + [UInt8](repeating: UInt8(truncatingIfNeeded: index + 1), count: length)
        }
    }

    /// Feeds `bytes` in reads of `chunk` bytes and returns the frames that came out.
    private func decode(_ bytes: [UInt8], chunk: Int, limit: Int = 1 << 20) throws -> [[UInt8]] {
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: limit))
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        let frames = try channel.inboundFrames()
        _ = try channel.finish()
        return frames
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64, 1000, 1 << 20])
    func framesComeOutWholeHoweverTheReadsSplitThem(chunk: Int) throws {
        let lengths = [0, 1, 3, 4, 5, 100, 3000, 70_000, 2]
        let frames = try decode(stream(lengths), chunk: chunk)
        #expect(frames.map(\.count) == lengths)
        for (index, frame) in frames.enumerated() {
            #expect(frame.allSatisfy { $0 == UInt8(truncatingIfNeeded: index + 1) })
        }
    }

    @Test func aPartialFrameAtTheEndIsHeldBack() throws {
        let bytes = stream([10, 20])
        #expect(try decode(Array(bytes.dropLast(1)), chunk: 7).map(\.count) == [10])
        #expect(try decode(Array(bytes.prefix(16)), chunk: 3).map(\.count) == [10])
    }

    @Test(arguments: [Int32(-1), Int32.min, Int32(1025)])
    func aSizeOutsideTheLimitIsAnErrorAndTheRestIsIgnored(size: Int32) throws {
        let channel = EmbeddedChannel(handler: KafkaFrameDecoder(maximumFrameSize: 1024))
        var bytes = withUnsafeBytes(of: size.bigEndian, Array.init) + [UInt8](repeating: 0, count: 8)
        bytes += stream([4])
        #expect(throws: KafkaFrameDecoder.FrameError.self) { try channel.writeInbound(ByteBuffer(bytes: bytes)) }
        try channel.writeInbound(ByteBuffer(bytes: stream([4])))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try? channel.finish()
    }
}
