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

    /// Takes as many free permits as there are, at most `limit`, waiting at most `timeout`
    /// for the first; 0 if none came.
    func take(upTo limit: Int, timeout: TimeInterval) -> Int {
        condition.lock()
        defer { condition.unlock() }
        if available == 0 {
            let deadline = Date(timeIntervalSinceNow: timeout)
            while available == 0 {
                if !condition.wait(until: deadline) { return 0 }
            }
        }
        let taken = min(available, max(limit, 1))
        available -= taken
        return taken
    }

    /// Takes a permit only if one is free now.
    func tryTake() -> Bool { take(upTo: 1, timeout: 0) == 1 }

    func give(_ count: Int = 1) {
        guard count > 0 else { return }
        condition.lock()
        available += count
        condition.signal()
        condition.unlock()
    }
}
