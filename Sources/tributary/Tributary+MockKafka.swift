import ArgumentParser
import Dispatch
import Foundation
import KafkaClient
import Logging

extension Tributary {
    struct MockKafka: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mock-kafka",
            abstract: "Run librdkafka's mock Kafka cluster and print its bootstrap address (Ctrl-C stops it).")
        @Option var brokers: Int32 = 1
        @Option(name: .customLong("topic"), help: "Create name:partitions at start (repeatable).") var topics: [String] = []

        func run() async throws {
            var logger = Logger(label: "tributary.mock-kafka")
            logger.logLevel = .warning
            let cluster = try MockKafkaCluster(brokers: brokers, logger: logger)
            for spec in topics {
                let parts = spec.split(separator: ":")
                guard let name = parts.first, let partitions = Int32(parts.count > 1 ? String(parts[1]) : "1"), partitions > 0 else {
                    throw ValidationError("--topic takes name:partitions, got '\(spec)'")
                }
                try cluster.createTopic(String(name), partitions: partitions)
            }
            FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
            await waitForSignal([SIGINT, SIGTERM])
            withExtendedLifetime(cluster) {}
        }
    }
}

/// Returns when one of `signals` arrives.
func waitForSignal(_ signals: [Int32]) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let queue = DispatchQueue(label: "tributary.signals")
        let fired = NSLock()
        var done = false
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                fired.lock()
                defer { fired.unlock() }
                guard !done else { return }
                done = true
                for source in sources { source.cancel() }
                continuation.resume()
            }
            sources.append(source)
        }
        for source in sources { source.resume() }
    }
}
