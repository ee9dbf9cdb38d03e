#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFileSpace

extension LogFile {
    /// Starts writing back the dirty pages of `range` and returns at once. Returns false
    /// where the platform cannot (the caller stops asking); a failed write-back surfaces in
    /// `finishWriteback` or the next fsync.
    func startWriteback(_ range: Range<Int64>) -> Bool {
        tributary_start_writeback(descriptor, range.lowerBound, Int64(range.count)) == 0 || errno != ENOTSUP
    }

    /// Writes back the dirty pages of `range` and waits for them. A failure here is an
    /// fsync's failure: the kernel reports a write-back error to one caller only.
    func finishWriteback(_ range: Range<Int64>) throws(LogStoreError) {
        guard SyncTrace.writebackWillFinish(descriptor: descriptor, path: path) else {
            throw .io(operation: "sync_file_range", path: path, errno: EIO)
        }
        try retryingInterrupts("sync_file_range") { tributary_finish_writeback(descriptor, range.lowerBound, Int64(range.count)) }
    }

    /// Drops the clean cached pages of `range`; readers of it go to the disk afterwards.
    func dropCached(_ range: Range<Int64>) {
        _ = tributary_drop_cached(descriptor, range.lowerBound, Int64(range.count))
    }
}
