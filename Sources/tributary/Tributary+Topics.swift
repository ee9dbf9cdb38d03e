import ArgumentParser
import KafkaClient

extension Tributary {
    struct Topics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, create, describe and delete topics, and delete records from them.",
            subcommands: [List.self, Create.self, Describe.self, Delete.self, DeleteRecords.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List topics.")
            @OptionGroup var cluster: ClusterOptions

            func run() async throws {
                do {
                    for topic in try await cluster.admin().describeTopics(timeout: cluster.timeoutDuration) { print(topic.name) }
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a topic.")
            @OptionGroup var cluster: ClusterOptions
            @Argument var name: String
            @Option var partitions: Int32 = 1
            @Option(name: .customLong("replication-factor")) var replicationFactor: Int32 = 1
            @Option(name: .customLong("config"), help: "A topic config key=value (repeatable).") var configs: [String] = []
            @Flag(name: .customLong("if-not-exists"),
                  help: "Succeed without changing anything when the topic exists (kafka-topics.sh's flag).")
            var ifNotExists = false

            func run() async throws {
                let configs = Dictionary(try keyValues(configs, option: "--config"), uniquingKeysWith: { $1 })
                do {
                    try await cluster.admin().createTopic(name, partitions: partitions, replicationFactor: replicationFactor,
                                                          configs: configs, timeout: cluster.timeoutDuration)
                    print("created topic \(name) with \(partitions) partition(s)")
                } catch let error as KafkaError where ifNotExists && error.isTopicAlreadyExists {
                    // Its partitions and configs may differ from those asked for: as with Kafka's tool.
                    print("topic \(name) already exists")
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }

        struct Describe: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a topic's partitions and offsets.")
            @OptionGroup var cluster: ClusterOptions
            @Argument var name: String

            func run() async throws {
                do {
                    let admin = try cluster.admin()
                    guard let topic = try await admin.describeTopics(name, timeout: cluster.timeoutDuration).first(where: { $0.name == name }),
                          topic.error == nil
                    else { throw CLIError("topic \(name) does not exist") }
                    print("topic \(name): \(topic.partitions.count) partition(s)")
                    print("PARTITION  EARLIEST  LATEST")
                    for partition in topic.partitions {
                        let marks = try await admin.watermarks(topic: name, partition: partition, timeout: cluster.timeoutDuration)
                        print(pad(String(partition), 9), pad(String(marks.low), 9), String(marks.high))
                    }
                } catch let error as CLIError {
                    throw error
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete a topic and its data.")
            @OptionGroup var cluster: ClusterOptions
            @Argument var name: String

            func run() async throws {
                do {
                    try await cluster.admin().deleteTopic(name, timeout: cluster.timeoutDuration)
                    print("deleted topic \(name)")
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }
    }
}

extension Tributary.Topics {
    /// DeleteRecords: what `kafka-delete-records` does, one offset for the chosen partitions.
    struct DeleteRecords: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-records",
            abstract: "Delete a topic's records below an offset; readers then start at that offset.")
        @OptionGroup var cluster: ClusterOptions
        @Argument var name: String
        @Option(parsing: .unconditional, help: "Delete the records below this offset; -1 deletes all of them.") var before: Int64
        @Option(name: .customLong("partition"), parsing: .unconditionalSingleValue, help: "A partition to delete from (repeatable; default: every partition).")
        var partitions: [Int32] = []

        func validate() throws {
            guard before >= -1 else { throw ValidationError("--before must be an offset or -1, got \(before)") }
            guard partitions.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--partition must not be negative") }
        }

        func run() async throws {
            do {
                let admin = try cluster.admin()
                var chosen = partitions
                if chosen.isEmpty {
                    guard let topic = try await admin.describeTopics(name, timeout: cluster.timeoutDuration).first(where: { $0.name == name }),
                          topic.error == nil
                    else { throw CLIError("topic \(name) does not exist") }
                    chosen = topic.partitions
                }
                let deleted = try await admin.deleteRecords(chosen.map { KafkaTopicPartition(topic: name, partition: $0, offset: before) },
                                                            timeout: cluster.timeoutDuration)
                for partition in deleted { print("\(name)[\(partition.partition)]: records now start at \(partition.offset)") }
            } catch let error as CLIError {
                throw error
            } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
        }
    }
}

/// Left-aligns `text` in a column of `width`.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
