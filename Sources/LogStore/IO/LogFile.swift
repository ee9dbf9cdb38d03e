#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file used through positioned I/O only (`pread`/`pwrite`), so that many readers
/// and one writer can share it without a shared file offset. Closed when the last
/// reference goes away, which is what lets a fetch keep reading a segment that retention
/// has just unlinked.
public final class LogFile: @unchecked Sendable {
    // @unchecked: the descriptor is immutable after init and positioned I/O is thread-safe.
    /// The POSIX file descriptor, valid for as long as this object lives.
    public let descriptor: Int32
    /// The path the file was opened at (it may since have been renamed or unlinked).
    public let path: String

    /// Opens `path` for reading and writing, creating it when `create` is set.
    public init(path: String, create: Bool = true) throws(LogStoreError) {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        descriptor = fd
        self.path = path
        if create { SyncTrace.fileOpened(descriptor: fd, path: path) }
    }

    deinit { close(descriptor) }

    /// When the file was last written, in milliseconds since the epoch.
    public func modificationTimeMs() throws(LogStoreError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    /// The current size in bytes.
    public func size() throws(LogStoreError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    /// Reads exactly `buffer.count` bytes at `offset`, or fewer only at end of file.
    /// Returns the number of bytes read.
    @discardableResult
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(LogStoreError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pread", path: path, errno: errno)
            }
            done += n
        }
        return done
    }

    /// Reads up to `count` bytes at `offset` into a new array (shorter at end of file).
    public func read(count: Int, at offset: Int64) throws(LogStoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withMutableBytes { raw throws(LogStoreError) in try read(into: raw, at: offset) }
        if n < count { bytes.removeLast(count - n) }
        return bytes
    }

    /// The whole file at `path`, or nil when it cannot be read.
    static func contents(of path: String) -> [UInt8]? {
        guard let file = try? LogFile(path: path, create: false), let size = try? file.size() else { return nil }
        return try? file.read(count: Int(size), at: 0)
    }

    /// Writes all of `bytes` at `offset`.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(LogStoreError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pwrite", path: path, errno: errno)
            }
            done += n
        }
    }

    /// Writes the pieces back to back starting at `offset`, in as few system calls as the
    /// kernel allows. The pieces are borrowed, not copied, except where the kernel's own copy
    /// would hit a slow path (see `kernelCopyIsSlow`).
    public func write(pieces: [UnsafeRawBufferPointer], at offset: Int64) throws(LogStoreError) {
        var staged: [UnsafeMutableRawPointer] = []
        defer { for buffer in staged { buffer.deallocate() } }
        var vectors = vectors(for: pieces, at: offset, staged: &staged)
        var position = offset
        var first = 0
        while first < vectors.count {
            let batch = min(vectors.count - first, 1024)  // IOV_MAX
            let n = vectors.withUnsafeMutableBufferPointer { all in
                pwritev(descriptor, all.baseAddress! + first, Int32(batch), off_t(position))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "pwritev", path: path, errno: errno)
            }
            position += Int64(n)
            // Skip fully written vectors; trim a partially written one.
            var remaining = n
            while remaining > 0, first < vectors.count {
                if remaining >= vectors[first].iov_len {
                    remaining -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base = vectors[first].iov_base.map { $0 + remaining }
                    vectors[first].iov_len -= remaining
                    remaining = 0
                }
            }
        }
    }

    /// Forces written data (and the size needed to read it) to stable storage.
    public func syncData() throws(LogStoreError) {
        guard SyncTrace.fileWillSync(descriptor: descriptor, path: path) else {
            throw .io(operation: "fdatasync", path: path, errno: EIO)
        }
        try retryingInterrupts("fdatasync") { fdatasync(descriptor) }
    }

    /// Calls `call` (a system call returning 0 or -1 with `errno`) again for as long as a
    /// signal interrupts it; any other failure is thrown as `operation`'s on this file.
    func retryingInterrupts(_ operation: String, _ call: () -> Int32) throws(LogStoreError) {
        while call() != 0 {
            if errno == EINTR { continue }
            throw .io(operation: operation, path: path, errno: errno)
        }
    }

    /// Cuts the file to `size` bytes.
    public func truncate(to size: Int64) throws(LogStoreError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            throw .io(operation: "ftruncate", path: path, errno: errno)
        }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the store's typed error (stdlib's rethrows erases it).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(LogStoreError) -> R) throws(LogStoreError) -> R {
        try withUnsafeBytes { raw in Result { () throws(LogStoreError) in try body(raw) } }.get()
    }

    /// `withUnsafeMutableBytes` that keeps the store's typed error.
    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(LogStoreError) -> R) throws(LogStoreError) -> R {
        try withUnsafeMutableBytes { raw in Result { () throws(LogStoreError) in try body(raw) } }.get()
    }
}
