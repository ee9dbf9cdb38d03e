#if canImport(Glibc)
import Glibc

// <malloc.h> is not part of Swift's Glibc module; mallopt and its parameter numbers are
// stable glibc ABI.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocTrimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
private let mallocMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
#endif

/// glibc's allocator settings for processes that move data at a high rate.
public enum HeapTuning {
    /// Keeps buffers of up to 32 MiB on the heap, and freed heap memory mapped. glibc serves a
    /// block above its mmap threshold (128 KiB at first, raised only as such blocks are
    /// freed) with a fresh mapping, and gives the heap's free top back to the kernel. A broker
    /// that receives a ~1 MB frame per produce request, or a producer that copies every
    /// message and frees it on its delivery report, then page-faults and zero-fills memory
    /// over and over: about a fifth of tributaryd's CPU on 1 KiB produce, and a tenth of
    /// `tributary bench produce`'s (docs/benchmarks.md). The cost is RSS that stays after a
    /// burst, bounded by the trim threshold plus what the process holds at its peak.
    /// Settings given through glibc's own environment variables are left alone.
    public static func keepBuffersMapped() {
        #if canImport(Glibc)
        let settings = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"]
        guard !settings.contains(where: { getenv($0) != nil }) else { return }
        _ = mallopt(mallocMmapThreshold, 32 << 20)
        _ = mallopt(mallocTrimThreshold, 32 << 20)
        #endif
    }
}
