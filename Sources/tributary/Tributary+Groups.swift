import ArgumentParser
import KafkaClient

extension Tributary {
    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List consumer groups and describe one with its lag.",
            subcommands: [List.self, Describe.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List consumer groups.")
            @OptionGroup var cluster: ClusterOptions

            func run() async throws {
                do {
                    for group in try await cluster.admin().describeGroups(timeout: cluster.timeoutDuration) {
                        print(pad(group.groupId, 30), group.state)
                    }
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }

        struct Describe: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Members, committed offsets and lag of a group.")
            @OptionGroup var cluster: ClusterOptions
            @Argument var group: String
            @Option(name: .customLong("topic"), help: "Topics to report lag for (default: those assigned to members).")
            var topics: [String] = []

            func run() async throws {
                do {
                    let admin = try cluster.admin()
                    let description: KafkaAdmin.GroupDescription?
                    do {
                        description = try await admin.describeGroups(group, timeout: cluster.timeoutDuration).first { $0.groupId == group }
                        print("group \(group): \(description?.state ?? "Dead"), \(description?.members.count ?? 0) member(s)")
                    } catch let error as KafkaError where error.name == "_UNSUPPORTED_FEATURE" {
                        // librdkafka's mock cluster, for one, cannot describe groups; offsets still work.
                        description = nil
                        print("group \(group): this broker cannot describe groups")
                    }
                    for member in description?.members ?? [] {
                        let partitions = member.assignment.map { "\($0.topic)[\($0.partition)]" }.joined(separator: ",")
                        print("  member \(member.memberId) (\(member.clientId)\(member.clientHost)): \(partitions)")
                    }
                    var reported = topics.isEmpty ? Array(Set(description?.members.flatMap { $0.assignment.map(\.topic) } ?? [])).sorted() : topics
                    if reported.isEmpty {
                        // No members to ask: look for the group's commits in every topic.
                        reported = try await admin.describeTopics(timeout: cluster.timeoutDuration).map(\.name)
                    }
                    let rows = try await admin.groupOffsets(group, topics: reported, timeout: cluster.timeoutDuration)
                        .filter { !topics.isEmpty || $0.partition.offset >= 0 }
                    print("TOPIC                          PARTITION  COMMITTED  LOG-END  LAG")
                    for row in rows {
                        let committed = row.partition.offset >= 0 ? String(row.partition.offset) : "-"
                        print(pad(row.partition.topic, 30), pad(String(row.partition.partition), 10), pad(committed, 10),
                              pad(String(row.highWatermark), 8), row.lag.map(String.init) ?? "-")
                    }
                } catch { throw explain(error, bootstrap: cluster.bootstrapServers) }
            }
        }
    }
}
