#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KafkaProtocol
import Logging

/// Opens a partition directory the way Kafka's `LogLoader` does.
///
/// After a clean shutdown the persisted indexes are trusted (after sanity checks). After a
/// crash, what follows the recovery-point checkpoint is re-validated batch by batch (length,
/// magic, CRC-32C, increasing offsets): in the segment that holds the checkpoint from the
/// last persisted index entry below it, in later segments from their start. The first bad
/// byte and everything after it is cut, and later segments are deleted. Producer state is
/// rebuilt from the newest snapshot plus the batch headers after it.
struct LogLoader {
    let directory: String
    let config: LogConfig
    let clock: @Sendable () -> Int64
    let logger: Logger

    struct Loaded {
        var segments: [LogSegment]
        var producers: ProducerStateManager
        var recoveryPoint: Int64
        /// Offsets of the producer snapshot files in the directory, ascending.
        var snapshotOffsets: [Int64]
        /// The log start DeleteRecords set, at most the log end.
        var recordsDeletedBelow: Int64
    }

    func load(cleanShutdown: Bool) throws(LogStoreError) -> Loaded {
        try createDirectory()
        let baseOffsets = try listSegments()
        let now = clock()
        var segments: [LogSegment] = []
        let checkpoint = cleanShutdown ? Int64.max : RecoveryPoint.read(directory: directory)
        var cut = false
        for (index, base) in baseOffsets.enumerated() {
            let segment = try LogSegment(directory: directory, baseOffset: base, nowMs: now)
            if cut {
                logger.warning("deleting segment \(base) after a corrupt predecessor")
                segment.deleteFiles()
                continue
            }
            if let expected = segments.last?.nextOffset, base != expected {
                logger.warning("segment \(base) does not follow offset \(expected); deleting it and what follows")
                segment.deleteFiles()
                cut = true
                continue
            }
            let nextBase = index + 1 < baseOffsets.count ? baseOffsets[index + 1] : Int64.max
            if cleanShutdown || nextBase <= checkpoint {
                try segment.loadTrustedIndexes(indexInterval: config.indexIntervalBytes)
            } else {
                let result = try segment.recover(resumingBelow: checkpoint, indexInterval: config.indexIntervalBytes)
                if let reason = result.reason {
                    logger.warning("truncated \(result.truncated) bytes of segment \(base): \(reason)")
                    cut = true
                }
            }
            segment.createdAtMs = now
            segments.append(segment)
        }
        if segments.isEmpty {
            segments.append(try LogSegment(directory: directory, baseOffset: 0, nowMs: now))
            try AtomicFile.syncDirectory(directory)
        }
        let nextOffset = segments[segments.count - 1].nextOffset
        // DeleteRecords fsyncs what lies below its checkpoint first, so this only clamps a
        // checkpoint that a lying disk or a hand-edited directory made larger than the log.
        let recordsDeletedBelow = min(LogStartCheckpoint.read(directory: directory), nextOffset)
        // A crash between the checkpoint and deleting the segments wholly below it.
        while segments.count > 1, segments[1].baseOffset <= recordsDeletedBelow {
            logger.info("deleting segment \(segments[0].baseOffset), which lies below the log start \(recordsDeletedBelow)")
            segments.removeFirst().deleteFiles()
        }
        let (producers, snapshotOffsets) = try rebuildProducerState(segments: segments, nextOffset: nextOffset)
        let recoveryPoint = min(cleanShutdown ? nextOffset : checkpoint, nextOffset)
        return Loaded(segments: segments, producers: producers, recoveryPoint: max(recoveryPoint, segments[0].baseOffset),
                      snapshotOffsets: snapshotOffsets, recordsDeletedBelow: recordsDeletedBelow)
    }

    private func createDirectory() throws(LogStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(operation: "mkdir", path: directory, errno: errno)
        }
    }

    /// Base offsets of the `.log` files, removing temporary files and orphaned indexes.
    private func listSegments() throws(LogStoreError) -> [Int64] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io(operation: "readdir", path: directory, errno: errno)
        }
        let logs = Set(names.compactMap { $0.hasSuffix(".log") ? Int64($0.dropLast(4)) : nil })
        for name in names {
            if name.hasSuffix(".tmp") { unlink(directory + "/" + name) }
            for suffix in [".index", ".timeindex"] where name.hasSuffix(suffix) {
                if let base = Int64(name.dropLast(suffix.count)), !logs.contains(base) { unlink(directory + "/" + name) }
            }
        }
        return logs.sorted()
    }

    /// The producer state at `nextOffset`, and the snapshot files left in the directory.
    private func rebuildProducerState(segments: [LogSegment], nextOffset: Int64)
        throws(LogStoreError) -> (ProducerStateManager, snapshots: [Int64]) {
        let (snapshot, kept) = ProducerStateSnapshot.loadLatest(directory: directory, atMost: nextOffset)
        var producers = snapshot?.state ?? ProducerStateManager()
        let from = snapshot?.offset ?? segments[0].baseOffset
        producers.truncate(from: nextOffset)
        guard from < nextOffset else { return (producers, kept) }
        for segment in segments where segment.nextOffset > from {
            let start = segment.baseOffset >= from ? 0
                : Int64(segment.offsetIndex.lookup(relativeOffset: UInt32(truncatingIfNeeded: from - segment.baseOffset)).position)
            var scanner = BatchScanner(file: segment.log, end: segment.size, validate: false)
            _ = try scanner.scan(from: start, expectedOffset: segment.baseOffset) { (header, _) throws(LogStoreError) in
                if header.baseOffset >= from { producers.record(header) }
            }
        }
        return (producers, kept)
    }
}
