import Dispatch
import Foundation
import KafkaClient
import Synchronization

/// Prints the result line the benchmarks parse: `msgs/s MB/s p50 p99 p99.9`, MB being 10^6 bytes
/// as in `dd` and every table of docs/benchmarks.md.
func report(count: Int, bytes: Int, elapsed: Duration, latencies: LatencyRecorder?) {
    let seconds = elapsed.seconds
    var line = String(format: "%d messages in %.2f s: %.0f msgs/s, %.2f MB/s", count, seconds,
                      Double(count) / seconds, Double(bytes) / seconds / 1e6)
    if let latencies {
        let p = latencies.percentiles([0.5, 0.99, 0.999])
        line += String(format: ", latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms", p[0], p[1], p[2])
    }
    print(line)
}

/// Delivery latencies, recorded from many tasks.
final class LatencyRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []
    init(capacity: Int) { samples.reserveCapacity(min(capacity, 1 << 20)) }

    func record(_ latency: Duration) {
        let ms = latency.seconds * 1000
        lock.lock()
        samples.append(ms)
        lock.unlock()
    }

    /// Latency in milliseconds at each quantile.
    func percentiles(_ quantiles: [Double]) -> [Double] {
        lock.lock()
        let sorted = samples.sorted()
        lock.unlock()
        guard !sorted.isEmpty else { return quantiles.map { _ in 0 } }
        return quantiles.map { sorted[min(sorted.count - 1, Int(Double(sorted.count) * $0))] }
    }
}

/// A progress line on standard error, redrawn at most every 250 ms. `advance` is called
/// once per message, so it costs one atomic add and looks at the clock every 1024th call.
final class Progress: Sendable {
    private let total: Int
    private let label: String
    private let done = Atomic<Int>(0)
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    /// Counts one more and returns the count.
    @discardableResult
    func advance() -> Int {
        let snapshot = done.wrappingAdd(1, ordering: .relaxed).newValue
        guard snapshot & 1023 == 0 else { return snapshot }
        let now = ContinuousClock.now
        let draw = lastDraw.withLock { last in
            guard last.map({ last in now - last > .milliseconds(250) }) ?? true else { return false }
            last = now
            return true
        }
        if draw { FileHandle.standardError.write(Data("\r\(label) \(snapshot)/\(total)".utf8)) }
        return snapshot
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\(label) \(done.load(ordering: .relaxed))/\(total)\n".utf8))
    }
}

/// Messages and bytes counted from one task, read from another.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var messages = 0
    private var total = 0

    func add(bytes: Int) {
        lock.lock()
        messages += 1
        total += bytes
        lock.unlock()
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return messages }
    var bytes: Int { lock.lock(); defer { lock.unlock() }; return total }
}

/// A produce bench's delivery reports, counted on the producer's poll thread while the
/// sending loop queues more.
final class Deliveries: Sendable {
    let latencies: LatencyRecorder
    let progress: Progress
    private let expected: Int
    private let allDelivered = DispatchSemaphore(value: 0)
    private let firstFailure = Mutex<KafkaError?>(nil)

    init(expected: Int) {
        self.expected = expected
        latencies = LatencyRecorder(capacity: expected)
        progress = Progress(total: expected, label: "produced")
    }

    /// One report; `latency` is nil for messages the bench did not time.
    func record(_ result: Result<DeliveryReport, KafkaError>, latency: Duration?) {
        switch result {
        case .success: if let latency { latencies.record(latency) }
        case let .failure(error): firstFailure.withLock { $0 = $0 ?? error }
        }
        // The progress count is the delivered count.
        if progress.advance() == expected { allDelivered.signal() }
    }

    /// Blocks until every message has its report; throws the first failure.
    func waitForAll() throws(KafkaError) {
        allDelivered.wait()
        if let failure = firstFailure.withLock({ $0 }) { throw failure }
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
