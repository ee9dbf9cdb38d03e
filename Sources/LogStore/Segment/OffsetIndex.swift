/// The sparse offset index of one segment: relative offset → byte position of the batch
/// that starts there, one entry every `index.interval.bytes`.
///
/// Kept in memory and written to the `.index` file when its segment is rolled or the store
/// closes, and for the active segment at each recovery-point checkpoint (new entries only);
/// an index that fails its sanity check on load is rebuilt from the log, never trusted.
struct OffsetIndex: Sendable, Equatable {
    static let entrySize = 8
    private(set) var relativeOffsets: [UInt32] = []
    private(set) var positions: [UInt32] = []

    var count: Int { relativeOffsets.count }
    var isEmpty: Bool { relativeOffsets.isEmpty }

    mutating func append(relativeOffset: UInt32, position: UInt32) {
        if let last = relativeOffsets.last, relativeOffset <= last { return }
        relativeOffsets.append(relativeOffset)
        positions.append(position)
    }

    /// The entry with the largest relative offset ≤ `relativeOffset`, or (0, 0).
    func lookup(relativeOffset target: UInt32) -> (relativeOffset: UInt32, position: UInt32) {
        var low = 0, high = relativeOffsets.count - 1, found = -1
        while low <= high {
            let mid = (low + high) / 2
            if relativeOffsets[mid] <= target { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found < 0 ? (0, 0) : (relativeOffsets[found], positions[found])
    }

    /// The entry with the largest position ≤ `position`, or (0, 0).
    func floor(position target: UInt32) -> (relativeOffset: UInt32, position: UInt32) {
        var low = 0, high = positions.count - 1, found = -1
        while low <= high {
            let mid = (low + high) / 2
            if positions[mid] <= target { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found < 0 ? (0, 0) : (relativeOffsets[found], positions[found])
    }

    /// Drops entries at or beyond `position` (the log was truncated there).
    mutating func truncate(toPosition position: UInt32) {
        while let last = positions.last, last >= position {
            positions.removeLast()
            relativeOffsets.removeLast()
        }
    }

    /// The file bytes of the entries from `first` on (all of them by default).
    func encoded(from first: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((count - first) * Self.entrySize)
        for i in first..<count {
            bytes.appendBigEndian(relativeOffsets[i])
            bytes.appendBigEndian(positions[i])
        }
        return bytes
    }

    /// The leading entries of an index file that point below `relativeLimit` (if given), as long as
    /// they increase strictly and stay inside the log: what recovery can take from a file
    /// whose tail a crash may have torn or left stale.
    static func prefix(of bytes: [UInt8], below relativeLimit: UInt32?, logSize: Int64) -> OffsetIndex {
        var index = OffsetIndex()
        var at = 0
        while at + entrySize <= bytes.count {
            let relative: UInt32 = bytes.readBigEndian(at: at)
            let position: UInt32 = bytes.readBigEndian(at: at + 4)
            at += entrySize
            if let last = index.relativeOffsets.last, relative <= last { break }
            if let last = index.positions.last, position <= last { break }
            guard relativeLimit.map({ relative < $0 }) ?? true, Int64(position) < logSize else { break }
            index.relativeOffsets.append(relative)
            index.positions.append(position)
        }
        return index
    }

    /// Decodes an index file and checks it against the segment: entries strictly increasing
    /// and every position inside the log. Returns nil when it cannot be trusted.
    static func decode(_ bytes: [UInt8], logSize: Int64) -> OffsetIndex? {
        guard bytes.count % entrySize == 0 else { return nil }
        let index = prefix(of: bytes, below: nil, logSize: logSize)
        return index.count * entrySize == bytes.count ? index : nil
    }
}

extension [UInt8] {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    func readBigEndian<T: FixedWidthInteger>(at offset: Int) -> T {
        withUnsafeBytes { T(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
