import KafkaProtocol
import Synchronization

/// Hands out idempotent-producer ids (InitProducerId) that are never reused, even across
/// crashes: ids are reserved in blocks, and a block is durable before any id in it is used.
public final class ProducerIdAllocator: Sendable {
    static let blockSize: Int64 = 1000
    let path: String
    private let state: Mutex<(next: Int64, blockEnd: Int64)>

    init(path: String) throws(LogStoreError) {
        self.path = path
        var start: Int64 = 0
        if let bytes = LogSegment.readWhole(path), bytes.count == 12 {
            let end: Int64 = bytes.readBigEndian(at: 0)
            let crc: UInt32 = bytes.readBigEndian(at: 8)
            if CRC32C.checksum(Array(bytes.prefix(8))) == crc, end >= 0 { start = end }
        }
        // Ids of the block reserved by the last run may have been handed out: skip them all.
        state = Mutex((start, start))
    }

    /// A producer id no one has had before.
    public func next() throws(LogStoreError) -> Int64 {
        try state.withLock { (state) throws(LogStoreError) -> Int64 in
            if state.next >= state.blockEnd {
                let end = state.blockEnd + Self.blockSize
                var bytes: [UInt8] = []
                bytes.appendBigEndian(end)
                bytes.appendBigEndian(CRC32C.checksum(bytes))
                try AtomicFile.write(bytes, to: path)
                state.blockEnd = end
            }
            defer { state.next += 1 }
            return state.next
        }
    }
}
