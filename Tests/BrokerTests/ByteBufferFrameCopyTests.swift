import NIOCore
import Testing
@testable import Broker

@Suite struct ByteBufferFrameCopyTests {
    /// Bytes that differ from their neighbours, so a dropped, doubled or shifted block shows.
    private func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 8) ^ seed) }
    }

    @Test(arguments: [0, 1, 127, 128, 129, 2047, 2048, 2049, 4096 + 13, 65_536, (1 << 20) + 7])
    func appendsExactlyTheSourceBytesAtAnyAlignment(length: Int) {
        for sourceOffset in [0, 1, 16, 31, 100] {
            for prefix in [0, 3, 16, 4095] {
                let bytes = pattern(sourceOffset + length, seed: length &+ prefix)
                var source = ByteBuffer(bytes: bytes)
                source.moveReaderIndex(forwardBy: sourceOffset)
                var frame = ByteBuffer(bytes: pattern(prefix, seed: 7))
                frame.writeFrameBytes(source)
                let expected = pattern(prefix, seed: 7) + bytes[sourceOffset...]
                let actual = Array(frame.readableBytesView)
                if actual != expected {
                    // The index, not the arrays: a message holding a MiB of bytes takes minutes.
                    let wrong = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    Issue.record("\(actual.count) bytes for \(expected.count); first wrong byte at \(wrong ?? -1)")
                }
                #expect(source.readableBytes == length, "the source is not consumed")
            }
        }
    }
}
