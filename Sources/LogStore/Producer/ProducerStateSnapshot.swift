#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `<offset>.snapshot` files: the producer state as of an offset, written at every segment
/// roll, every recovery-point checkpoint and at clean shutdown. On open the newest snapshot
/// not past the log end is loaded and the batch headers after it are replayed.
enum ProducerStateSnapshot {
    static let suffix = ".snapshot"
    /// Older snapshots are deleted once this many newer ones exist.
    static let retained = 2

    static func write(_ bytes: [UInt8], offset: Int64, directory: String) throws(LogStoreError) {
        try AtomicFile.write(bytes, to: directory + "/" + LogSegment.fileName(offset, suffix))
        let offsets = list(directory: directory)
        for old in offsets.dropLast(retained) {
            unlink(directory + "/" + LogSegment.fileName(old, suffix))
        }
    }

    /// Snapshot offsets present in `directory`, ascending.
    static func list(directory: String) -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(suffix) else { return nil }
            return Int64(name.dropLast(suffix.count))
        }.sorted()
    }

    /// The newest valid snapshot at or below `limit`, deleting any beyond it.
    static func loadLatest(directory: String, atMost limit: Int64) -> (offset: Int64, state: ProducerStateManager)? {
        for offset in list(directory: directory).reversed() {
            let path = directory + "/" + LogSegment.fileName(offset, suffix)
            if offset > limit {
                unlink(path)
                continue
            }
            if let bytes = LogFile.contents(of: path), let state = ProducerStateManager.decode(bytes) {
                return (offset, state)
            }
        }
        return nil
    }
}
