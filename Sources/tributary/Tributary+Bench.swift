import ArgumentParser
import CommandSupport
import Foundation
import KafkaClient

extension Tributary {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure produce or consume throughput and latency.",
            subcommands: [ProduceBench.self, ConsumeBench.self])

        /// Synchronous on purpose: the loop queues as fast as librdkafka accepts, and delivery
        /// reports go to one shared handler, so the bench spends next to nothing per message.
        /// Flat out, the loop serves the reports itself between messages (and while librdkafka's
        /// queue of `--window` messages is full), as librdkafka's own producer loop does: each
        /// message is then freed on the thread that allocated it, where a separate poll thread's
        /// frees contended with the loop's allocations for malloc's lock. Paced runs (`--rate`)
        /// keep the producer's poll thread, so reports are timed when they arrive.
        struct ProduceBench: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "produce", abstract: "Produce N messages of a fixed size.")
            @OptionGroup var cluster: ClusterOptions
            @Option var topic = "tributary-bench"
            @Option var count = 100_000
            @Option(help: "Value size in bytes.") var size = 100
            @Option(parsing: .unconditional, help: "acks: -1, 0 or 1.") var acks = 1
            @Option(name: .customLong("linger-ms")) var lingerMs = 5
            @Option(help: "Messages allowed in flight at once.") var window = 100_000
            @Option(help: "Target rate in messages per second (0: as fast as possible).") var rate = 0
            @Option(name: .customShort("X"), help: "A librdkafka producer property, as key=value (repeatable); applied last.")
            var properties: [String] = []

            func validate() throws {
                guard count > 0, size >= 0, window > 0, rate >= 0 else {
                    throw ValidationError("--count and --window must be positive, --size and --rate not negative")
                }
                _ = try keyValues(properties, option: "-X")
            }

            func run() throws {
                HeapTuning.keepBuffersMapped()
                var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
                configuration.acks = acks
                configuration.idempotence = false
                configuration.lingerMs = lingerMs
                configuration.properties["queue.buffering.max.messages"] = String(window)
                for (key, value) in try keyValues(properties, option: "-X") { configuration.properties[key] = value }
                let servesReports = rate == 0
                configuration.deliveryReports = servesReports ? .caller : .background
                let producer = try KafkaProducer(configuration: configuration, logger: cluster.logger)
                defer { producer.close() }
                let message = KafkaProducerMessage(topic: topic, value: [UInt8](repeating: 0x61, count: size))
                let deliveries = Deliveries(expected: count)
                let unsampled = KafkaDeliveryHandler { deliveries.record($0, latency: nil) }
                // Options are property wrappers: read once, not once per message.
                let count = count, rate = rate
                // Paced runs time every message; flat-out runs time one in 16 (62,500 samples
                // per million), which spares the clock reads and a closure per message.
                let sampleEvery = rate > 0 ? 1 : 16
                // A poll with nothing ready is one lock and no system call; every 256 messages
                // keeps the reports (and frees) flowing while a 5 ms linger fills batches.
                let pollEvery = 256
                let clock = ContinuousClock()
                let started = clock.now
                var queueFullWaits = 0
                do {
                    for index in 0..<count {
                        if rate > 0 {
                            let due = started.advanced(by: .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate)))
                            let wait = clock.now.duration(to: due)
                            if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
                        }
                        let handler: KafkaDeliveryHandler
                        if index % sampleEvery == 0 {
                            let sent = clock.now
                            handler = KafkaDeliveryHandler { deliveries.record($0, latency: clock.now - sent) }
                        } else {
                            handler = unsampled
                        }
                        while true {
                            do {
                                try producer.enqueue(message, handler: handler)
                                break
                            } catch where error.isQueueFull {
                                queueFullWaits += 1
                                if servesReports {
                                    producer.poll(timeout: .milliseconds(1))
                                } else {
                                    Thread.sleep(forTimeInterval: 0.000_2)
                                }
                            }
                        }
                        if servesReports, index % pollEvery == 0 { producer.poll() }
                    }
                    if servesReports {
                        // Serves the remaining reports; a message not delivered by then fails.
                        try producer.flush(timeout: .seconds(Int64(configuration.messageTimeoutMs / 1000 + 10)))
                    }
                    try deliveries.waitForAll()
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
                let elapsed = clock.now - started
                deliveries.progress.finish()
                report(count: count, bytes: count * size, elapsed: elapsed, latencies: deliveries.latencies)
                if queueFullWaits > 0 {
                    FileHandle.standardError.write(Data("waited \(queueFullWaits) times for room in librdkafka's queue of \(window) messages\n".utf8))
                }
            }
        }

        struct ConsumeBench: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "consume", abstract: "Consume N messages from the beginning.")
            @OptionGroup var cluster: ClusterOptions
            @Option var topic = "tributary-bench"
            @Option var count = 100_000
            @Option(name: .customLong("idle-timeout"), help: "Give up after this many seconds without a message.")
            var idleTimeout = 15
            @Option(name: .customShort("X"), help: "A librdkafka consumer property, as key=value (repeatable); applied last.")
            var properties: [String] = []

            func run() async throws {
                let overrides = try keyValues(properties, option: "-X")
                let admin = try cluster.admin()
                let partitions: [Int32]
                do {
                    partitions = try await admin.describeTopics(topic, timeout: cluster.timeoutDuration).first { $0.name == topic }?.partitions ?? []
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
                guard !partitions.isEmpty else { throw CLIError("topic \(topic) does not exist") }
                var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers, groupId: "tributary-bench-\(UUID().uuidString.prefix(8))")
                configuration.maximumBufferedEvents = 100_000
                for (key, value) in overrides { configuration.properties[key] = value }
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
