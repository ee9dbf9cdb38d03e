import KafkaProtocol
import Testing

@Suite struct RecordBatchTests {
    @Test func crc32cKnownVector() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func crc32cIsIncremental() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let split = bytes.withUnsafeBytes { raw in
            let first = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<333]))
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[333...]), continuing: first)
        }
        #expect(whole == split)
    }

    /// The fast paths fold 32-byte blocks with carry-less multiplication (from 256 bytes, where
    /// the CPU has VPCLMULQDQ) or cut inputs into three lanes of 2048 or 256 bytes and join
    /// them; every length around those cuts, from every alignment, must match a plain
    /// byte-at-a-time CRC.
    @Test func crc32cMatchesAByteAtATimeReferenceAcrossLaneBoundaries() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = [0, 1, 7, 8, 9, 31, 32, 127, 128, 129, 255, 256, 257, 287, 288, 383, 384, 385, 767, 768, 769,
                       775, 1023, 1024, 1025, 1536, 6143, 6144, 6145, 6144 + 768, 6144 + 767, 12_288 + 768 + 13, 19_992]
        bytes.withUnsafeBytes { raw in
            for offset in 0..<8 {
                for length in lengths {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                    #expect(CRC32C.checksum(slice) == referenceCRC32C(slice), "offset \(offset), length \(length)")
                }
            }
            let whole = UnsafeRawBufferPointer(rebasing: raw[0..<19_000])
            let continued = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[7000..<19_000]),
                                            continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<7000])))
            #expect(continued == referenceCRC32C(whole))
        }
    }

    private func referenceCRC32C(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func builtBatchValidatesAndDecodes() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
        builder.append(key: Array("k1".utf8), value: Array("v1".utf8), headers: [.init(key: "h", value: [1, 2])])
        builder.append(key: nil, value: Array(repeating: 7, count: 300), timestampDelta: 5)
        let bytes = builder.build()
        let header = try bytes.withUnsafeBytes { try RecordBatchHeader.validated($0, requireDenseOffsets: true) }
        #expect(header.recordCount == 2)
        #expect(header.lastOffsetDelta == 1)
        #expect(header.maxTimestamp == 1_700_000_000_005)
        #expect(header.totalSize == bytes.count)
        let records = try bytes.withUnsafeBytes {
            try Record.decodeAll(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.size...]), count: 2)
        }
        #expect(records == builder.records)
    }

    /// Record lengths and counts are a producer's bytes: out of range they throw, never trap.
    @Test func hostileLengthsAndCountsThrow() {
        var hugeRecord: [UInt8] = []
        Varint.append(Int64.max, to: &hugeRecord)
        var body: [UInt8] = [0]  // attributes
        Varint.append(0, to: &body)  // timestamp delta
        Varint.append(0, to: &body)  // offset delta
        Varint.append(Int64.max, to: &body)  // key length
        var hugeField: [UInt8] = []
        Varint.append(Int64(body.count), to: &hugeField)
        hugeField += body
        for (bytes, count) in [(hugeRecord, 1), (hugeField, 1), ([UInt8](), -1)] {
            #expect(throws: RecordDecodingError.self) { try bytes.withUnsafeBytes { try Record.decodeAll($0, count: count) } }
        }
    }

    /// A producer's uncompressed batch must hold the records it declares (Kafka's
    /// LogValidator); the CRC is made to match, so only the count can give it away.
    @Test func aBatchWhoseRecordsDisagreeWithItsCountIsRefused() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 0)
        for index in 0..<3 { builder.append(key: nil, value: Array("m\(index)".utf8)) }
        let good = builder.build()
        func forged(recordCount: Int32, dropping dropped: Int = 0) -> [UInt8] {
            var bytes = Array(good.dropLast(dropped))
            bytes.withUnsafeMutableBytes { raw in
                guard var header = RecordBatchHeader(bytes: UnsafeRawBufferPointer(raw)) else { return }
                header.recordCount = recordCount
                header.lastOffsetDelta = recordCount - 1
                header.batchLength -= Int32(dropped)
                header.write(to: raw)
                header.crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[RecordBatchHeader.Offset.attributes...]))
                header.write(to: raw)
            }
            return bytes
        }
        for (bytes, expected) in [(forged(recordCount: 2), RecordBatchError.recordCountMismatch(recordCount: 2, found: 3)),
                                  (forged(recordCount: 4), .recordCountMismatch(recordCount: 4, found: 3)),
                                  (forged(recordCount: 3, dropping: 2), .recordCountMismatch(recordCount: 3, found: nil))] {
            #expect(throws: expected) { try bytes.withUnsafeBytes { try RecordBatchHeader.validated($0, requireDenseOffsets: true) } }
            // Read back from a segment (no producer check), the same bytes pass: recovery
            // keeps what the log holds.
            #expect(throws: Never.self) { try bytes.withUnsafeBytes { try RecordBatchHeader.validated($0) } }
        }
        let header = try good.withUnsafeBytes { try RecordBatchHeader.validated($0, requireDenseOffsets: true) }
        #expect(header.recordCount == 3)
    }

    /// The record count that comes with the checksum, one 6 KiB block at a time, against a
    /// walk written out here: records of every size (prefixes of one to three bytes, records
    /// across block edges), and prefixes that are negative, 11 bytes long, cut off at the end
    /// or run past it.
    @Test func checksumCountingRecordsAgreesWithAPlainWalk() {
        func reference(_ bytes: [UInt8], from: Int) -> Int? {
            var index = from, count = 0
            while index < bytes.count {
                guard let length = bytes.withUnsafeBytes({ Varint.read($0, at: &index) }),
                      length >= 0, length <= bytes.count - index else { return nil }
                index += Int(length)
                count += 1
            }
            return count
        }
        var generator = SystemRandomNumberGenerator()
        // Record bodies only need distinct bytes for the checksum, not random ones.
        let filler = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) }
        for round in 0..<200 {
            let from = Int.random(in: 0..<70, using: &generator)
            var bytes = Array(filler.prefix(from))
            let records = Int.random(in: 0..<(round % 4 == 0 ? 300 : 30), using: &generator)
            for _ in 0..<records {
                let size = Int.random(in: 0..<(round % 2 == 0 ? 200 : 20_000), using: &generator)
                Varint.append(Int64(size), to: &bytes)
                bytes += filler[Int.random(in: 0..<(filler.count - size + 1), using: &generator)...].prefix(size)
            }
            switch round % 5 {
            case 1: Varint.append(-3, to: &bytes)
            case 2: bytes += [UInt8](repeating: 0x80, count: 10) + [0x01]
            case 3: bytes += [0x80]
            case 4: Varint.append(50, to: &bytes); bytes += [1, 2, 3]
            default: break
            }
            let expectedCount = reference(bytes, from: from)
            let (crc, count) = bytes.withUnsafeBytes { CRC32C.checksumCountingRecords($0, recordsFrom: from) }
            #expect(crc == CRC32C.checksum(bytes))
            #expect(count == expectedCount, "round \(round): \(bytes.count) bytes from \(from)")
            if round % 5 == 0 { #expect(expectedCount == records) } else { #expect(expectedCount == nil) }
        }
        let empty = [UInt8]().withUnsafeBytes { CRC32C.checksumCountingRecords($0, recordsFrom: 0) }
        #expect(empty.crc == 0 && empty.records == 0)
        #expect([UInt8](repeating: 0, count: 4).withUnsafeBytes { CRC32C.checksumCountingRecords($0, recordsFrom: 5) }.records == nil)
    }

    @Test func corruptionIsDetected() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 0)
        builder.append(key: nil, value: Array("hello".utf8))
        let good = builder.build()
        var flipped = good
        flipped[flipped.count - 1] ^= 0xFF
        #expect(throws: RecordBatchError.self) { try flipped.withUnsafeBytes { try RecordBatchHeader.validated($0) } }
        var badMagic = good
        badMagic[RecordBatchHeader.Offset.magic] = 1
        #expect(throws: RecordBatchError.unsupportedMagic(1)) { try badMagic.withUnsafeBytes { try RecordBatchHeader.validated($0) } }
        let truncated = Array(good.dropLast(3))
        #expect(throws: RecordBatchError.self) { try truncated.withUnsafeBytes { try RecordBatchHeader.validated($0) } }
        // Rewriting the base offset leaves the CRC valid: it is not covered.
        var rebased = good
        rebased.withUnsafeMutableBytes { $0.storeBytes(of: Int64(42).bigEndian, toByteOffset: 0, as: Int64.self) }
        let header = try rebased.withUnsafeBytes { try RecordBatchHeader.validated($0) }
        #expect(header.baseOffset == 42)
    }

    @Test func varintRoundTrip() {
        for value: Int64 in [0, 1, -1, 63, -64, 64, 300, -300, Int64(Int32.max), Int64.min, Int64.max] {
            var bytes: [UInt8] = []
            Varint.append(value, to: &bytes)
            var index = 0
            let decoded = bytes.withUnsafeBytes { Varint.read($0, at: &index) }
            #expect(decoded == value)
            #expect(index == bytes.count)
        }
    }
}
