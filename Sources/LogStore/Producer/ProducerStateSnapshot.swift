#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `<offset>.snapshot` files: the producer state as of an offset, written at every segment
/// roll, every recovery-point checkpoint and at clean shutdown (an unchanged state by
/// renaming the newest file, `ProducerSnapshotFiles`). On open the newest snapshot
/// not past the log end is loaded and the batch headers after it are replayed.
enum ProducerStateSnapshot {
    static let suffix = ".snapshot"
    /// Older snapshots are deleted once this many newer ones exist.
    static let retained = 2

    /// Carries out `operations` from `ProducerSnapshotFiles.plan`. A written file is fsync'd
    /// before it is named, and a rename needs no directory sync (see `PartitionLog.flushOnce`).
    /// Deletions wait for one: a file system that does not keep a directory's changes in
    /// order could otherwise keep the deletion of an old snapshot but lose the new one's name.
    static func perform(_ operations: [ProducerSnapshotFiles.Operation], directory: String) throws(LogStoreError) {
        var namesSynced = false
        for operation in operations {
            switch operation {
            case .write(let offset, let bytes):
                _ = try AtomicFile.replace(path(offset, directory: directory), with: bytes)
                namesSynced = false
            case .rename(let from, let to, let bytes):
                let target = path(to, directory: directory)
                if rename(path(from, directory: directory), target) != 0 {
                    // The newest file went (removed by hand): write what it held instead.
                    guard errno == ENOENT else { throw .io(operation: "rename", path: target, errno: errno) }
                    _ = try AtomicFile.replace(target, with: bytes)
                }
                namesSynced = false
            case .delete(let offset):
                if !namesSynced {
                    try AtomicFile.syncDirectory(directory)
                    namesSynced = true
                }
                unlink(path(offset, directory: directory))
            }
        }
    }

    static func path(_ offset: Int64, directory: String) -> String {
        directory + "/" + LogSegment.fileName(offset, suffix)
    }

    /// Snapshot offsets present in `directory`, ascending.
    static func list(directory: String) -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(suffix) else { return nil }
            return Int64(name.dropLast(suffix.count))
        }.sorted()
    }

    /// The newest valid snapshot at or below `limit`, after deleting any beyond it; and the
    /// offsets of the snapshot files left, ascending.
    static func loadLatest(directory: String, atMost limit: Int64)
        -> (latest: (offset: Int64, state: ProducerStateManager)?, kept: [Int64]) {
        var kept = list(directory: directory)
        while let offset = kept.last, offset > limit {
            unlink(path(offset, directory: directory))
            kept.removeLast()
        }
        for offset in kept.reversed() {
            if let bytes = LogFile.contents(of: path(offset, directory: directory)), let state = ProducerStateManager.decode(bytes) {
                return ((offset, state), kept)
            }
        }
        return (nil, kept)
    }
}
