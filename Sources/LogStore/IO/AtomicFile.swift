#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe whole-file replacement: write a temporary file, fsync it, rename it over the
/// target and fsync the directory. After a crash the target holds either the old or the new
/// contents, never a mix.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws(LogStoreError) {
        _ = try replace(path, with: bytes)
        try syncDirectory(containing: path)
    }

    /// The steps of `write` up to the rename: the new contents are on disk and at `path`,
    /// returned open (the offsets journal keeps appending to it), but the rename itself is
    /// not yet durable; the caller syncs the directory. A failure before the rename leaves
    /// `path` as it was.
    static func replace(_ path: String, with bytes: [UInt8]) throws(LogStoreError) -> LogFile {
        let temporary = path + ".tmp"
        let file = try LogFile(path: temporary)
        try file.truncate(to: 0)
        try bytes.withBytes { raw throws(LogStoreError) in try file.write(raw, at: 0) }
        try file.syncData()
        guard rename(temporary, path) == 0 else { throw .io(operation: "rename", path: path, errno: errno) }
        return file
    }

    /// Makes a rename or a new file in `path`'s directory durable.
    static func syncDirectory(containing path: String) throws(LogStoreError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws(LogStoreError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: directory, errno: errno) }
        defer { close(fd) }
        guard SyncTrace.directoryWillSync(descriptor: fd, path: directory) else {
            throw .io(operation: "fsync", path: directory, errno: EIO)
        }
        guard fsync(fd) == 0 else { throw .io(operation: "fsync", path: directory, errno: errno) }
    }
}
