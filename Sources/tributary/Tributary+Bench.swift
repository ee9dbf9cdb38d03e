import ArgumentParser
import Foundation
import KafkaClient

extension Tributary {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure produce or consume throughput and latency.",
            subcommands: [ProduceBench.self, ConsumeBench.self])

        struct ProduceBench: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "produce", abstract: "Produce N messages of a fixed size.")
            @OptionGroup var cluster: ClusterOptions
            @Option var topic = "tributary-bench"
            @Option var count = 100_000
            @Option(help: "Value size in bytes.") var size = 100
            @Option(parsing: .unconditional, help: "acks: -1, 0 or 1.") var acks = 1
            @Option(name: .customLong("linger-ms")) var lingerMs = 5
            @Option(help: "Messages allowed in flight at once.") var window = 50_000
            @Option(help: "Target rate in messages per second (0: as fast as possible).") var rate = 0

            func run() async throws {
                var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
                configuration.acks = acks
                configuration.idempotence = false
                configuration.lingerMs = lingerMs
                configuration.properties["queue.buffering.max.messages"] = String(max(window * 2, 100_000))
                let producer = try KafkaProducer(configuration: configuration, logger: cluster.logger)
                defer { producer.close() }
                let value = [UInt8](repeating: 0x61, count: size)
                let latencies = LatencyRecorder(capacity: count)
                let progress = Progress(total: count, label: "produced")
                let clock = ContinuousClock()
                let started = clock.now
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        var inFlight = 0
                        for index in 0..<count {
                            if rate > 0 {
                                let due = started.advanced(by: .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate)))
                                if due > clock.now { try await clock.sleep(until: due) }
                            }
                            if inFlight >= window {
                                try await group.next()
                                inFlight -= 1
                            }
                            inFlight += 1
                            let sent = clock.now
                            let delivery = try producer.enqueue(KafkaProducerMessage(topic: topic, value: value))
                            group.addTask {
                                _ = try await delivery.report()
                                latencies.record(clock.now - sent)
                                progress.advance()
                            }
                        }
                        try await group.waitForAll()
                    }
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
                let elapsed = clock.now - started
                progress.finish()
                report(count: count, bytes: count * size, elapsed: elapsed, latencies: latencies)
            }
        }

        struct ConsumeBench: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "consume", abstract: "Consume N messages from the beginning.")
            @OptionGroup var cluster: ClusterOptions
            @Option var topic = "tributary-bench"
            @Option var count = 100_000
            @Option(name: .customLong("idle-timeout"), help: "Give up after this many seconds without a message.")
            var idleTimeout = 15

            func run() async throws {
                let admin = try cluster.admin()
                let partitions: [Int32]
                do {
                    partitions = try await admin.describeTopics(topic, timeout: cluster.timeoutDuration).first { $0.name == topic }?.partitions ?? []
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
                guard !partitions.isEmpty else { throw CLIError("topic \(topic) does not exist") }
                var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "tributary-bench-\(UUID().uuidString.prefix(8))")
                configuration.maximumBufferedEvents = 100_000
                let consumer = try KafkaConsumer(configuration: configuration, logger: cluster.logger)
                defer { consumer.close() }
                try consumer.assign(partitions.map { KafkaTopicPartition(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
                let progress = Progress(total: count, label: "consumed")
                let clock = ContinuousClock()
                let started = clock.now
                let tally = Tally()
                let idle = Duration.seconds(idleTimeout)
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await message in consumer.messages {
                            tally.add(bytes: message.value?.count ?? 0)
                            progress.advance()
                            if tally.count >= count { break }
                        }
                    }
                    group.addTask {
                        // Watchdog: a consumer that stops receiving ends the run instead of hanging it.
                        var last = -1
                        while !Task.isCancelled {
                            try? await Task.sleep(for: idle)
                            if tally.count == last { break }
                            last = tally.count
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
                let elapsed = clock.now - started
                progress.finish()
                guard tally.count >= count else { throw CLIError("only \(tally.count) of \(count) messages arrived (idle for \(idleTimeout) s)") }
                report(count: tally.count, bytes: tally.bytes, elapsed: elapsed, latencies: nil)
            }
        }
    }
}

/// Prints the result line the benchmarks parse: `msgs/s MB/s p50 p99 p99.9`.
func report(count: Int, bytes: Int, elapsed: Duration, latencies: LatencyRecorder?) {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var line = String(format: "%d messages in %.2f s: %.0f msgs/s, %.2f MB/s", count, seconds,
                      Double(count) / seconds, Double(bytes) / seconds / 1_048_576)
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
    init(capacity: Int) { samples.reserveCapacity(capacity) }

    func record(_ latency: Duration) {
        let ms = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
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

/// A progress line on standard error, redrawn at most every 250 ms.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let label: String
    private var done = 0
    private var lastDraw = Date.distantPast

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func advance() {
        lock.lock()
        done += 1
        let now = Date()
        let draw = now.timeIntervalSince(lastDraw) > 0.25
        if draw { lastDraw = now }
        let snapshot = done
        lock.unlock()
        if draw { FileHandle.standardError.write(Data("\r\(label) \(snapshot)/\(total)".utf8)) }
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\(label) \(done)/\(total)\n".utf8))
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
