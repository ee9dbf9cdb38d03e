#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The process's open-file limit. A broker holds a descriptor for every connection and every
/// segment file, and a login shell's soft limit is often 1,024: far below what
/// `--max-connections` allows, and a thousand partitions alone use that many. The hard limit
/// is what the administrator granted (systemd and Docker give 500,000 or more), so, like Go's
/// runtime for every Go program, the broker raises its soft limit to it at start.
public enum FileDescriptorLimit {
    /// The soft and hard limits in force.
    public struct Limits: Sendable, Equatable {
        public var soft: UInt64
        public var hard: UInt64

        /// Whether the hard limit is RLIM_INFINITY: UInt64.max on Linux, Int64.max on Darwin.
        public var hardIsUnlimited: Bool { hard >= UInt64(Int64.max) }
    }

    /// The limits now, or nil when they cannot be read.
    public static func current() -> Limits? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return Limits(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit as far as the hard limit allows, and returns the limits then in
    /// force. An unlimited hard limit (Darwin's usual; Linux caps it at `nr_open`) cannot be
    /// the soft one, so the kernel's `nr_open`, 1,048,576, 65,536 and Darwin's `OPEN_MAX` are
    /// tried in turn. A refusal leaves the limit as it was.
    @discardableResult
    public static func raiseSoftLimit() -> Limits? {
        guard let limits = current() else { return nil }
        let candidates = limits.hardIsUnlimited
            ? [kernelOpenFileMaximum(), 1 << 20, 1 << 16, 10_240].compactMap { $0 }
            : [limits.hard]
        for target in candidates where target > limits.soft {
            var limit = rlimit(rlim_cur: rlim_t(target), rlim_max: rlim_t(limits.hard))
            if setrlimit(resource, &limit) == 0 { break }
        }
        return current()
    }

    #if os(Linux)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    /// `/proc/sys/fs/nr_open`: the most descriptors Linux lets one process have.
    private static func kernelOpenFileMaximum() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
