import ArgumentParser
import Broker
import CommandSupport
import Configuration
import Foundation
import Logging
import LogStore

/// `tributaryd`: the Kafka-compatible broker daemon.
///
/// Every flag can also be given as `TRIBUTARY_<NAME>` in the environment or as a key in the
/// JSON file named by `--config`; a flag beats the environment, which beats the file.
@main
struct Tributaryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tributaryd",
        abstract: "A Kafka-compatible, single-node, append-only log broker.",
        discussion: """
            Every option is also read from the environment as TRIBUTARY_<NAME> (e.g. TRIBUTARY_DATA_DIR) \
            and from the JSON file given by --config (e.g. {"data-dir": "/var/lib/tributary"}). \
            Precedence: flag > environment > file > default.
            """)

    @Option(help: "Kafka listener address host:port, or several, comma-separated (default 0.0.0.0:9092).") var listen: String?
    @Option(name: .customLong("advertised-listener"), help: "Address clients are told to use, one per --listen address (default localhost:9092).") var advertisedListener: String?
    @Option(name: .customLong("data-dir"), help: "Data directory (default ./data).") var dataDir: String?
    @Option(help: "Topics file applied at start (default ./topics.json when it exists).") var topics: String?
    @Option(help: "Admin HTTP address host:port for /health, /ready, /metrics (default 127.0.0.1:9644).") var http: String?
    @Option(name: .customLong("node-id"), help: "Broker node id (default 0).") var nodeId: String?
    @Option(name: .customLong("auto-create-topics"), help: "Create unknown topics on first use: true|false (default true).") var autoCreateTopics: String?
    @Option(help: "When produced data is fsync'd: acks|always|never (default acks).") var flush: String?
    @Option(name: .customLong("flush-threads"), help: "Threads that fsync partitions and write their checkpoints (default 16).") var flushThreads: String?
    @Option(name: .customLong("log-level"), help: "trace|debug|info|notice|warning|error|critical (default info).") var logLevel: String?
    @Option(name: .customLong("max-connections"), help: "Open connections beyond this are closed on accept (default 10000).") var maxConnections: String?
    @Option(name: .customLong("max-in-flight-requests"), help: "Pipelined requests per connection before the broker stops reading it (default 32).") var maxInFlightRequests: String?
    @Option(name: .customLong("max-in-flight-bytes"), help: "Request bytes per connection before the broker stops reading it (default 67108864).") var maxInFlightBytes: String?
    @Option(name: .customLong("message-max-bytes"), help: "Largest record batch accepted (default 1048588).") var messageMaxBytes: String?
    @Option(name: .customLong("socket-request-max-bytes"), help: "Largest request frame; larger closes the connection (default 104857600).") var socketRequestMaxBytes: String?
    @Option(name: .customLong("write-cache-bytes"), parsing: .unconditional, help: "Newest written bytes per partition kept in the page cache; older ones are written back and dropped from it; -1 keeps all (default 16777216).") var writeCacheBytes: String?
    @Option(help: "JSON settings file.") var config: String?

    func run() async throws {
        HeapTuning.keepBuffersMapped()
        let reader = try await settingsReader()
        var logger = Logger(label: "tributaryd")
        let levelName = reader.string(forKey: "log-level", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level '\(levelName)'") }
        logger.logLevel = level
        let configuration = try BrokerConfiguration(reader: reader)
        checkOpenFileLimit(configuration: configuration, logger: logger)
        var application = BrokerApplication(configuration: configuration, logger: logger)
        application.shutdownSignals = [.sigterm, .sigint]
        try await application.run()
    }

    /// Raises the soft open-file limit to the hard one, and warns when even that leaves
    /// `--max-connections` unreachable: accepts would then fail with EMFILE, and so would
    /// opening a partition's next segment.
    private func checkOpenFileLimit(configuration: BrokerConfiguration, logger: Logger) {
        guard let limits = FileDescriptorLimit.raiseSoftLimit() else {
            logger.warning("cannot read the open-file limit (RLIMIT_NOFILE)")
            return
        }
        let wanted = UInt64(configuration.maxConnections) + Self.descriptorsForFiles
        if limits.soft < wanted {
            let hard = limits.hardIsUnlimited ? "unlimited" : String(limits.hard)
            logger.warning("open-file limit \(limits.soft) (hard \(hard)) is below --max-connections \(configuration.maxConnections) plus \(Self.descriptorsForFiles) for segment files; raise it (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile)")
        } else {
            logger.info("open-file limit \(limits.soft)")
        }
    }

    /// Descriptors set aside for the log store: one per segment file of every partition.
    private static let descriptorsForFiles: UInt64 = 10_000

    /// Flags over `TRIBUTARY_*` environment variables over the `--config` file.
    private func settingsReader() async throws -> ConfigReader {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        let given: [(String, String?)] = [
            ("listen", listen), ("advertised-listener", advertisedListener), ("data-dir", dataDir), ("topics", topics),
            ("http", http), ("node-id", nodeId), ("auto-create-topics", autoCreateTopics), ("flush", flush),
            ("flush-threads", flushThreads), ("log-level", logLevel), ("max-connections", maxConnections), ("max-in-flight-requests", maxInFlightRequests),
            ("max-in-flight-bytes", maxInFlightBytes), ("message-max-bytes", messageMaxBytes),
            ("socket-request-max-bytes", socketRequestMaxBytes), ("write-cache-bytes", writeCacheBytes),
        ]
        for case let (key, value?) in given { flags[AbsoluteConfigKey([key])] = ConfigValue(.string(value), isSecret: false) }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider().prefixKeys(with: ConfigKey(["tributary"])),
        ]
        let file = config ?? ProcessInfo.processInfo.environment["TRIBUTARY_CONFIG"]
        if let file {
            do {
                providers.append(try SettingsFile.provider(path: file, knownKeys: Set(given.map(\.0))))
            } catch {
                throw ValidationError("--config: \(error)")
            }
        }
        return ConfigReader(providers: providers)
    }
}

extension BrokerConfiguration {
    /// `--listen` and `--advertised-listener`: comma-separated `host:port` lists paired by
    /// position, as Kafka's `listeners` and `advertised.listeners`. One listener may leave its
    /// advertised address out (localhost:9092); several must give one each.
    static func listeners(listen: String, advertised: String?) throws -> [Listener] {
        func addresses(_ key: String, _ value: String) throws -> [(host: String, port: Int)] {
            try value.split(separator: ",", omittingEmptySubsequences: false).map { part in
                let part = part.trimmingCharacters(in: .whitespaces)
                guard let parsed = parseAddress(part) else {
                    throw ValidationError("--\(key) must be host:port (or a comma-separated list of them), got '\(value)'")
                }
                return parsed
            }
        }
        let bound = try addresses("listen", listen)
        let told = try advertised.map { try addresses("advertised-listener", $0) } ?? [("localhost", 9092)]
        guard told.count == bound.count else {
            throw ValidationError("--advertised-listener must name one address per --listen address: \(bound.count) listener(s), \(told.count) advertised")
        }
        return zip(bound, told).map { Listener(host: $0.host, port: $0.port, advertisedHost: $1.host, advertisedPort: $1.port) }
    }

    /// Reads every setting, validating each with a message that names it.
    init(reader: ConfigReader) throws {
        self.init()
        func address(_ key: String, _ fallback: String) throws -> (String, Int) {
            let value = reader.string(forKey: ConfigKey([key]), default: fallback)
            guard let parsed = BrokerConfiguration.parseAddress(value) else {
                throw ValidationError("--\(key) must be host:port, got '\(value)'")
            }
            return parsed
        }
        listeners = try Self.listeners(listen: reader.string(forKey: ConfigKey(["listen"]), default: "0.0.0.0:9092"),
                                       advertised: reader.string(forKey: ConfigKey(["advertised-listener"])))
        (httpHost, httpPort) = try address("http", "127.0.0.1:9644")
        dataDirectory = reader.string(forKey: ConfigKey(["data-dir"]), default: "./data")
        if let topics = reader.string(forKey: ConfigKey(["topics"])) {
            guard FileManager.default.fileExists(atPath: topics) else { throw ValidationError("--topics \(topics) does not exist") }
            topicsFile = topics
        } else if FileManager.default.fileExists(atPath: "./topics.json") {
            topicsFile = "./topics.json"
        }
        let node = reader.string(forKey: ConfigKey(["node-id"]), default: "0")
        guard let nodeId = Int32(node), nodeId >= 0 else { throw ValidationError("--node-id must be a non-negative integer, got '\(node)'") }
        self.nodeId = nodeId
        let autoCreate = reader.string(forKey: ConfigKey(["auto-create-topics"]), default: "true").lowercased()
        guard ["true", "false", "1", "0", "yes", "no"].contains(autoCreate) else {
            throw ValidationError("--auto-create-topics must be true or false, got '\(autoCreate)'")
        }
        autoCreateTopics = ["true", "1", "yes"].contains(autoCreate)
        let flushName = reader.string(forKey: ConfigKey(["flush"]), default: "acks")
        guard let flush = FlushPolicy(rawValue: flushName) else { throw ValidationError("--flush must be acks, always or never, got '\(flushName)'") }
        self.flush = flush
        func positive(_ key: String, _ fallback: Int) throws -> Int {
            let value = reader.string(forKey: ConfigKey([key]), default: String(fallback))
            guard let number = Int(value), number > 0 else { throw ValidationError("--\(key) must be a positive integer, got '\(value)'") }
            return number
        }
        flushThreads = try positive("flush-threads", flushThreads)
        maxConnections = try positive("max-connections", maxConnections)
        maxInFlightRequestsPerConnection = try positive("max-in-flight-requests", maxInFlightRequestsPerConnection)
        maxInFlightBytesPerConnection = try positive("max-in-flight-bytes", maxInFlightBytesPerConnection)
        messageMaxBytes = try positive("message-max-bytes", messageMaxBytes)
        socketRequestMaxBytes = try positive("socket-request-max-bytes", socketRequestMaxBytes)
        let cache = reader.string(forKey: ConfigKey(["write-cache-bytes"]), default: String(logDefaults.writeCacheBytes))
        guard let cacheBytes = Int64(cache), cacheBytes >= -1 else {
            throw ValidationError("--write-cache-bytes must be -1 or a non-negative integer, got '\(cache)'")
        }
        logDefaults.writeCacheBytes = cacheBytes
    }
}
