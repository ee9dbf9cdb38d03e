/// Which `<offset>.snapshot` files a partition's directory holds, and what the newest says,
/// so that a checkpoint knows what it must write without listing the directory.
///
/// Most partitions never see an idempotent producer, and the rest often go idle: a snapshot
/// then holds the same bytes as the newest file. Renamed to the new offset, that file says
/// exactly what a new one would (the state as of that offset), so it is renamed instead of
/// writing, fsyncing and deleting files every checkpoint.
///
/// Confined to the partition's flush queue, like the files themselves.
struct ProducerSnapshotFiles: Sendable {
    enum Operation: Equatable, Sendable {
        case write(offset: Int64, bytes: [UInt8])
        /// `bytes` are the file's contents, written afresh should the file have gone.
        case rename(from: Int64, to: Int64, bytes: [UInt8])
        case delete(offset: Int64)
    }

    /// Offsets of the files present, ascending.
    private(set) var offsets: [Int64]
    /// The bytes of the newest file, when this process wrote it.
    private var newestBytes: [UInt8]?

    /// Files found at open; their contents are not trusted to match, so the first snapshot
    /// after an open is written out.
    init(existing offsets: [Int64]) {
        self.offsets = offsets.sorted()
    }

    /// The file operations that leave the directory holding `snapshots` (ascending offsets)
    /// with at most `ProducerStateSnapshot.retained` files, and records them as done. A
    /// failed operation fails the partition for good, so there is nothing to roll back.
    mutating func plan(_ snapshots: [(offset: Int64, bytes: [UInt8])]) -> [Operation] {
        var operations: [Operation] = []
        for snapshot in snapshots {
            guard let newest = offsets.last, let bytes = newestBytes, snapshot.offset >= newest else {
                write(snapshot, into: &operations)
                continue
            }
            if bytes == snapshot.bytes {
                if snapshot.offset > newest {
                    operations.append(.rename(from: newest, to: snapshot.offset, bytes: bytes))
                    offsets[offsets.count - 1] = snapshot.offset
                }
            } else {
                write(snapshot, into: &operations)
            }
        }
        return operations
    }

    private mutating func write(_ snapshot: (offset: Int64, bytes: [UInt8]), into operations: inout [Operation]) {
        operations.append(.write(offset: snapshot.offset, bytes: snapshot.bytes))
        // A state from beyond this offset no longer describes the log.
        for stale in offsets where stale > snapshot.offset { operations.append(.delete(offset: stale)) }
        offsets.removeAll { $0 >= snapshot.offset }
        offsets.append(snapshot.offset)
        newestBytes = snapshot.bytes
        while offsets.count > ProducerStateSnapshot.retained {
            operations.append(.delete(offset: offsets.removeFirst()))
        }
    }
}
