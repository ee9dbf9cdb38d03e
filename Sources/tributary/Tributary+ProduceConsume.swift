import ArgumentParser
import Foundation
import KafkaClient

extension Tributary {
    struct Produce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Produce each line of standard input as a message.")
        @OptionGroup var cluster: ClusterOptions
        @Argument var topic: String
        @Option(help: "Key for every message.") var key: String?
        @Option(name: .customLong("header"), help: "A header key=value for every message (repeatable).") var headers: [String] = []
        @Option(help: "Partition (default: by key).") var partition: Int32?
        @Option(parsing: .unconditional, help: "acks: -1 (all), 0 or 1.") var acks: Int = -1

        func run() async throws {
            let headers = try keyValues(headers, option: "--header").map { KafkaHeader(key: $0.0, value: $0.1) }
            var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
            configuration.acks = acks
            configuration.idempotence = acks == -1
            configuration.messageTimeoutMs = cluster.timeout * 1000
            let producer = try KafkaProducer(configuration: configuration, logger: cluster.logger)
            defer { producer.close() }
            // Queued in line order (librdkafka keeps it per partition), awaited in batches.
            var pending: [PendingDelivery] = []
            var delivered = 0
            do {
                while let line = readLine(strippingNewline: true) {
                    pending.append(try producer.enqueue(KafkaProducerMessage(topic: topic, partition: partition, key: key, value: line, headers: headers)))
                    if pending.count >= 1000 {
                        for delivery in pending { _ = try await delivery.report() }
                        delivered += pending.count
                        pending.removeAll()
                    }
                }
                for delivery in pending { _ = try await delivery.report() }
                delivered += pending.count
            } catch {
                throw explain(error, bootstrap: cluster.bootstrapServers)
            }
            FileHandle.standardError.write(Data("produced \(delivered) message(s) to \(topic)\n".utf8))
        }
    }

    struct Consume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print messages, one value per line.")
        @OptionGroup var cluster: ClusterOptions
        @Argument var topic: String
        @Option(help: "Consume as this consumer group (commits offsets); default: read every partition without a group.")
        var group: String?
        @Flag(name: .customLong("from-beginning"), help: "Start at the earliest offset (without a committed offset).")
        var fromBeginning = false
        @Option(help: "Exit after this many messages.") var count: Int?
        @Flag(name: .customLong("print-key"), help: "Print key<TAB>value.") var printKey = false

        func run() async throws {
            var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers,
                                                           groupId: group ?? "tributary-cli-\(UUID().uuidString.prefix(8))")
            configuration.autoOffsetReset = fromBeginning ? "earliest" : "latest"
            let consumer = try KafkaConsumer(configuration: configuration, logger: cluster.logger)
            defer { consumer.close() }
            do {
                if group != nil {
                    try consumer.subscribe(topics: [topic])
                } else {
                    let admin = try cluster.admin()
                    guard let description = try await admin.describeTopics(topic, timeout: cluster.timeoutDuration).first(where: { $0.name == topic }),
                          description.error == nil, !description.partitions.isEmpty
                    else { throw CLIError("topic \(topic) does not exist") }
                    try consumer.assign(description.partitions.map {
                        KafkaTopicPartition(topic: topic, partition: $0, offset: fromBeginning ? KafkaOffset.beginning : KafkaOffset.end)
                    })
                }
            } catch let error as CLIError {
                throw error
            } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            var seen = 0
            for await message in consumer.messages {
                let value = message.valueString ?? ""
                print(printKey ? "\(message.keyString ?? "")\t\(value)" : value)
                seen += 1
                if group != nil { try await consumer.commit(message) }
                if let count, seen >= count { break }
            }
        }
    }
}
