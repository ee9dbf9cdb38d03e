import ArgumentParser
import Foundation
import KafkaClient
import Logging

/// `tributary`: a Kafka command-line client (librdkafka) for tributaryd or any Kafka.
@main
struct Tributary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tributary",
        abstract: "Kafka command-line client for tributaryd or any Kafka cluster.",
        subcommands: [Topics.self, Produce.self, Consume.self, Groups.self, Bench.self, MockKafka.self])

    /// Accepts `-b`/`--bootstrap-servers` before the subcommand too (`tributary -b host:9092
    /// topics list`), by handing it to the subcommand through the environment.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        while let first = arguments.first, first == "-b" || first == "--bootstrap-servers" || first.hasPrefix("--bootstrap-servers=") {
            let value: String
            if first.hasPrefix("--bootstrap-servers=") {
                value = String(first.dropFirst("--bootstrap-servers=".count))
                arguments.removeFirst()
            } else {
                guard arguments.count >= 2 else { break }
                value = arguments[1]
                arguments.removeFirst(2)
            }
            setenv("TRIBUTARY_BOOTSTRAP_SERVERS", value, 1)
        }
        await main(arguments)
    }
}

/// Options every command that talks to a cluster shares.
struct ClusterOptions: ParsableArguments {
    @Option(name: [.customShort("b"), .long], help: "Bootstrap servers (env TRIBUTARY_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String = ProcessInfo.processInfo.environment["TRIBUTARY_BOOTSTRAP_SERVERS"] ?? "localhost:9092"

    @Option(help: "Seconds to wait for the cluster before giving up.")
    var timeout: Int = 10

    @Flag(help: "Show librdkafka's log lines.")
    var verbose = false

    var logger: Logger {
        var logger = Logger(label: "tributary")
        logger.logLevel = verbose ? .debug : .critical
        return logger
    }

    var timeoutDuration: Duration { .seconds(timeout) }

    func admin() throws -> KafkaAdmin {
        try KafkaAdmin(bootstrapServers: bootstrapServers, logger: logger)
    }
}

/// A failure to print as one readable line with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Turns librdkafka's "cannot reach" errors into a message that says what to check.
func explain(_ error: any Error, bootstrap: String) -> CLIError {
    if let kafka = error as? KafkaError, ["_TRANSPORT", "_TIMED_OUT", "_ALL_BROKERS_DOWN", "_RESOLVE"].contains(kafka.name) {
        return CLIError("cannot reach a Kafka broker at \(bootstrap) (\(kafka.name)): is it running? set -b/--bootstrap-servers")
    }
    return CLIError("\(error)")
}

/// `k=v` pairs from repeated options.
func keyValues(_ pairs: [String], option: String) throws -> [(String, String)] {
    try pairs.map { pair in
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError("\(option) takes key=value, got '\(pair)'")
        }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }
}
