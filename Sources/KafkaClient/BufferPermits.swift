import Foundation

/// A counting semaphore for the consumer's event buffer. (DispatchSemaphore traps when it
/// is freed with fewer permits than it started with, which a closed consumer may well have.)
final class BufferPermits: @unchecked Sendable {
    // @unchecked: `available` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var available: Int

    init(_ count: Int) {
        available = max(count, 1)
    }

    /// Takes a permit, waiting at most `timeout`; false if none came.
    func take(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while available == 0 {
            if !condition.wait(until: deadline) { return false }
        }
        available -= 1
        return true
    }

    /// Takes a permit only if one is free now.
    func tryTake() -> Bool { take(timeout: 0) }

    func give() {
        condition.lock()
        available += 1
        condition.signal()
        condition.unlock()
    }
}
