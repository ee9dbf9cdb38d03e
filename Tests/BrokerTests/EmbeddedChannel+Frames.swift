import NIOCore
import NIOEmbedded

extension EmbeddedChannel {
    /// The bytes of every frame the pipeline has passed on so far.
    func inboundFrames() throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try readInbound(as: ByteBuffer.self) { frames.append(Array(frame.readableBytesView)) }
        return frames
    }
}
