#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The file layer of the power-loss tests: records, for every fsync the store makes under
/// `root`, what that fsync makes durable — a file's bytes, or a directory's entries — so a
/// test can rebuild the directory tree a power cut at that moment would leave behind.
///
/// State is captured *before* each fsync runs. A write that finished before the fsync was
/// issued is therefore in the record; one racing with it is not, which is the conservative
/// reading of POSIX: the test may only rely on what was certainly durable.
///
/// Outside tests no trace is active and each fsync pays one relaxed atomic load.
final class SyncTrace: Sendable {
    /// A file or directory, independent of the names it has had.
    struct FileID: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// One life of an inode: the file system hands a deleted file's inode number to the
    /// next new file, and a directory listing taken before must still mean the old file.
    struct Version: Hashable, Sendable {
        var id: FileID
        var generation: Int
    }

    struct Entry: Sendable {
        var name: String
        var version: Version
        var isDirectory: Bool
    }

    private struct State {
        var generations: [FileID: Int] = [:]
        var fileBytes: [Version: [UInt8]] = [:]
        var directoryEntries: [FileID: [Entry]] = [:]
        /// The last path each file was seen at, to read what it holds beyond its last fsync.
        var paths: [Version: String] = [:]

        func version(_ id: FileID) -> Version { Version(id: id, generation: generations[id, default: 0]) }
    }

    /// The traced directory; it is assumed to survive the crash itself.
    let root: String
    private let rootID: FileID
    private let state = Mutex(State())
    /// How many of the next file fsyncs under `root` fail with EIO (`failNextSyncs`).
    private let failingSyncs = Atomic<Int>(0)
    /// How many of the next directory fsyncs under `root` fail with EIO (`failNextDirectorySyncs`).
    private let failingDirectorySyncs = Atomic<Int>(0)
    /// How many of the next write-back waits under `root` fail with EIO (`failNextWritebacks`).
    private let failingWritebacks = Atomic<Int>(0)

    /// Whether the next file fsync under `root` waits for `releaseHeldSync()`.
    private let holdArmed = Atomic<Bool>(false)
    private let holding = Atomic<Bool>(false)
    private let heldSyncReleased = DispatchSemaphore(value: 0)

    private static let active = Mutex<[SyncTrace]>([])
    private static let anyActive = Atomic<Bool>(false)

    private init(root: String, rootID: FileID) {
        self.root = root
        self.rootID = rootID
    }

    /// Starts recording fsyncs of files and directories under `root` (an existing directory).
    static func start(under root: String) -> SyncTrace? {
        guard let id = fileID(path: root) else { return nil }
        let trace = SyncTrace(root: root, rootID: id)
        active.withLock { traces in
            traces.append(trace)
            anyActive.store(true, ordering: .releasing)
        }
        return trace
    }

    /// Makes the next `count` file fsyncs under `root` fail with EIO without syncing, as a
    /// disk error would; what they would have made durable is not recorded.
    func failNextSyncs(_ count: Int) {
        failingSyncs.store(count, ordering: .relaxed)
    }

    /// Makes the next `count` directory fsyncs under `root` fail with EIO.
    func failNextDirectorySyncs(_ count: Int) {
        failingDirectorySyncs.store(count, ordering: .relaxed)
    }

    /// Makes the next `count` write-back waits (`LogFile.finishWriteback`) under `root` fail
    /// with EIO, as a disk error found by write-back would. They make nothing durable either way.
    func failNextWritebacks(_ count: Int) {
        failingWritebacks.store(count, ordering: .relaxed)
    }

    /// Makes the next file fsync under `root` wait, before it runs, until `releaseHeldSync()`:
    /// a test can then act while a write is in flight.
    func holdNextSync() {
        holdArmed.store(true, ordering: .sequentiallyConsistent)
    }

    /// Whether an fsync is waiting for `releaseHeldSync()`.
    var isHoldingSync: Bool { holding.load(ordering: .sequentiallyConsistent) }

    /// Lets the held fsync run (or disarms the hold if none was reached).
    func releaseHeldSync() {
        holdArmed.store(false, ordering: .sequentiallyConsistent)
        if holding.exchange(false, ordering: .sequentiallyConsistent) { heldSyncReleased.signal() }
    }

    private func holdIfArmed() {
        guard holdArmed.exchange(false, ordering: .sequentiallyConsistent) else { return }
        holding.store(true, ordering: .sequentiallyConsistent)
        heldSyncReleased.wait()
    }

    /// Takes one injected failure from `counter`, if any is left.
    private static func takeFailure(_ counter: borrowing Atomic<Int>) -> Bool {
        var remaining = counter.load(ordering: .relaxed)
        while remaining > 0 {
            let (exchanged, now) = counter.compareExchange(expected: remaining, desired: remaining - 1, ordering: .relaxed)
            if exchanged { return true }
            remaining = now
        }
        return false
    }

    /// The paths of the files whose fsyncs this trace recorded.
    var syncedFiles: [String] {
        state.withLock { state in state.fileBytes.keys.compactMap { state.paths[$0] } }
    }

    /// Stops recording; what was recorded stays readable.
    func stop() {
        Self.active.withLock { traces in
            traces.removeAll { $0 === self }
            Self.anyActive.store(!traces.isEmpty, ordering: .releasing)
        }
    }

    private func covers(_ path: String) -> Bool { path == root || path.hasPrefix(root + "/") }

    /// The traces covering `path`, with the `fstat` of the file behind `descriptor`; nil when
    /// no trace covers it (the only check production code pays for).
    private static func traced(_ descriptor: Int32, _ path: String) -> (traces: [SyncTrace], info: stat)? {
        guard anyActive.load(ordering: .relaxed) else { return nil }
        let traces = active.withLock { $0.filter { $0.covers(path) } }
        var info = stat()
        guard !traces.isEmpty, fstat(descriptor, &info) == 0 else { return nil }
        return (traces, info)
    }

    /// Called by `LogFile.init` for files it may have created: an empty file starts a new
    /// life of its inode.
    static func fileOpened(descriptor: Int32, path: String) {
        guard let (traces, info) = traced(descriptor, path), info.st_size == 0 else { return }
        let id = FileID(info)
        for trace in traces {
            trace.state.withLock { state in
                state.generations[id, default: 0] += 1
                state.paths[state.version(id)] = path
            }
        }
    }

    /// Called by `LogFile.syncData` just before `fdatasync`. Returns false when a trace
    /// injects a failure: the fsync must then fail with EIO instead.
    static func fileWillSync(descriptor: Int32, path: String) -> Bool {
        guard let (traces, info) = traced(descriptor, path) else { return true }
        for trace in traces { trace.holdIfArmed() }
        if traces.contains(where: { takeFailure($0.failingSyncs) }) { return false }
        let id = FileID(info)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let read = bytes.withUnsafeMutableBytes { raw in
            raw.baseAddress.map { pread(descriptor, $0, raw.count, 0) } ?? 0
        }
        bytes.removeLast(bytes.count - max(0, read))
        for trace in traces {
            trace.state.withLock { state in
                state.fileBytes[state.version(id)] = bytes
                state.paths[state.version(id)] = path
            }
        }
        return true
    }

    /// Called by `LogFile.finishWriteback` before it waits. Returns false when a trace injects
    /// a failure: the wait must then fail with EIO instead.
    static func writebackWillFinish(descriptor: Int32, path: String) -> Bool {
        guard let (traces, _) = traced(descriptor, path) else { return true }
        return !traces.contains(where: { takeFailure($0.failingWritebacks) })
    }

    /// Called by `AtomicFile.syncDirectory` just before the directory's `fsync`. Returns false
    /// when a trace injects a failure: the fsync must then fail with EIO instead.
    static func directoryWillSync(descriptor: Int32, path: String) -> Bool {
        guard let (traces, info) = traced(descriptor, path) else { return true }
        if traces.contains(where: { takeFailure($0.failingDirectorySyncs) }) { return false }
        let id = FileID(info)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var found: [(name: String, id: FileID, isDirectory: Bool)] = []
        for name in names {
            var entry = stat()
            guard lstat(path + "/" + name, &entry) == 0 else { continue }
            found.append((name, FileID(entry), (entry.st_mode & S_IFMT) == S_IFDIR))
        }
        for trace in traces {
            trace.state.withLock { state in
                let entries = found.map { Entry(name: $0.name, version: state.version($0.id), isDirectory: $0.isDirectory) }
                state.directoryEntries[id] = entries
                for entry in entries where state.paths[entry.version] == nil { state.paths[entry.version] = path + "/" + entry.name }
            }
        }
        return true
    }

    private static func fileID(path: String) -> FileID? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileID(info)
    }
}

extension SyncTrace {
    /// Writes, at `target` (an empty directory), the tree a power cut now would leave: only
    /// directory entries some directory fsync recorded, each file holding what its last fsync
    /// covered, then a random part of what was written after it, then random garbage.
    /// Files never fsync'd keep only the unsynced part and the garbage.
    func materializeCrash<G: RandomNumberGenerator>(at target: String, using random: inout G) throws {
        let snapshot = state.withLock { state in state }
        try materialize(directory: rootID, at: target, snapshot: snapshot, random: &random)
    }

    private func materialize<G: RandomNumberGenerator>(directory: FileID, at target: String, snapshot: State,
                                                       random: inout G) throws {
        for entry in snapshot.directoryEntries[directory] ?? [] {
            let path = target + "/" + entry.name
            if entry.isDirectory {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                try materialize(directory: entry.version.id, at: path, snapshot: snapshot, random: &random)
                continue
            }
            var bytes = snapshot.fileBytes[entry.version] ?? []
            // Unsynced writes can only be read back while this life of the inode is current.
            let current = snapshot.paths[entry.version].flatMap { path in
                Self.fileID(path: path) == entry.version.id && snapshot.version(entry.version.id) == entry.version
                    ? LogFile.contents(of: path) : nil
            } ?? []
            if current.count > bytes.count {
                let unsynced = current[bytes.count...]
                let kept = Int.random(in: 0...unsynced.count, using: &random)
                bytes += unsynced.prefix(kept)
                if kept < unsynced.count {
                    bytes += (0..<Int.random(in: 0...min(4096, unsynced.count - kept), using: &random))
                        .map { _ in UInt8.random(in: 0...255, using: &random) }
                }
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw LogStoreError.io(operation: "create", path: path, errno: errno)
            }
        }
    }
}
