import Foundation

#if canImport(Glibc)
// <malloc.h> is not part of Swift's Glibc module; mallopt and its parameter numbers are
// stable glibc ABI.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let mallocTrimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
private let mallocMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
#endif

extension Tributaryd {
    /// Keeps request-sized allocations on the heap. glibc serves a block above its mmap
    /// threshold (128 KiB at first, raised only as such blocks are freed) with a fresh
    /// mapping, and gives the heap's free top back to the kernel; a broker that receives a
    /// ~1 MB frame per produce request then page-faults and zero-fills memory for every one.
    /// With fixed thresholds those pages stay mapped and are reused: about a fifth less broker
    /// CPU on 1 KiB produce (docs/benchmarks.md), for more RSS after a burst. What stays
    /// resident is bounded by the per-connection in-flight byte limit and the trim threshold.
    /// Settings given through glibc's own environment variables are left alone.
    static func keepRequestBuffersMapped() {
        #if canImport(Glibc)
        let settings: [String] = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"]
        let tuned = settings.contains { getenv($0) != nil }
        guard !tuned else { return }
        _ = mallopt(mallocMmapThreshold, 32 << 20)
        _ = mallopt(mallocTrimThreshold, 32 << 20)
        #endif
    }
}
