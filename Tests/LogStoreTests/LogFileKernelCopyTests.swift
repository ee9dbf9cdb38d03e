import Foundation
import Testing
@testable import LogStore

@Suite struct LogFileKernelCopyTests {
    @Test func theSlowBandIsOneTo31BytesAheadModulo4096() throws {
        let page = UnsafeMutableRawPointer.allocate(byteCount: 8192, alignment: 4096)
        defer { page.deallocate() }
        let source = UnsafeRawPointer(page + 100)
        #expect(!LogFile.kernelCopyIsSlow(to: 100, from: source))
        #expect(LogFile.kernelCopyIsSlow(to: 101, from: source))
        #expect(LogFile.kernelCopyIsSlow(to: 100 + 31 + 4096 * 7, from: source))
        #expect(!LogFile.kernelCopyIsSlow(to: 100 + 32, from: source))
        #expect(!LogFile.kernelCopyIsSlow(to: 99, from: source))
    }

    /// Pieces at every distance from their file position, through the slow band, come back as
    /// written; the ones in the band go through a staging copy.
    @Test func piecesReadBackAsWrittenWhetherStagedOrNot() throws {
        let directory = TemporaryDirectory()
        let file = try LogFile(path: directory.path + "/pieces.log")
        let length = 5000
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length + 8192, alignment: 4096)
        defer { buffer.deallocate() }
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &* 7 ^ index >> 8) }
        let base = try #require(buffer.baseAddress)
        var expected: [UInt8] = []
        var pieces: [UnsafeRawBufferPointer] = []
        var staged: [UnsafeMutableRawPointer] = []
        var position: Int64 = 0
        for shift in [0, 1, 16, 31, 32, 40, 4095] {
            // The piece starts `shift` bytes before its file position, modulo 4096.
            let start = (Int(position) - shift) & 4095
            let piece = UnsafeRawBufferPointer(start: base + start, count: length)
            #expect(LogFile.kernelCopyIsSlow(to: position, from: base + start) == (1...31).contains(shift))
            pieces.append(piece)
            expected += piece
            position += Int64(length)
        }
        _ = file.vectors(for: pieces, at: 0, staged: &staged)
        #expect(staged.count == 3)
        for buffer in staged { buffer.deallocate() }
        try file.write(pieces: pieces, at: 0)
        #expect(try file.read(count: expected.count, at: 0) == expected)
    }
}
