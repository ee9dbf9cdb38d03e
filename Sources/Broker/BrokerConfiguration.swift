import LogStore

/// Everything `tributaryd` can be told, with the defaults of SPEC.md.
public struct BrokerConfiguration: Sendable {
    /// Kafka listeners (`--listen`, `--advertised-listener`). Clients are told the advertised
    /// address of the listener they came in on, as Kafka's `advertised.listeners`: one for the
    /// containers' network and one for the host, say.
    public var listeners = [Listener(host: "0.0.0.0", port: 9092, advertisedHost: "localhost", advertisedPort: 9092)]
    /// Data directory (`--data-dir`).
    public var dataDirectory = "./data"
    /// Topics to create at start (`--topics`), like `kafka-topics --create --if-not-exists`.
    public var topicsFile: String?
    /// Admin HTTP (`--http`).
    public var httpHost = "127.0.0.1"
    public var httpPort = 9644
    /// This broker's node id (`--node-id`).
    public var nodeId: Int32 = 0
    /// Create unknown topics on first use (`--auto-create-topics`), with this many partitions.
    public var autoCreateTopics = true
    public var autoCreatePartitions = 1
    /// When produced data is fsync'd (`--flush`).
    public var flush: FlushPolicy = .acks
    /// `message.max.bytes`: the largest record batch accepted by topics that do not set
    /// `max.message.bytes` (the log defaults' value).
    public var messageMaxBytes: Int {
        get { logDefaults.maxMessageBytes }
        set { logDefaults.maxMessageBytes = newValue }
    }
    /// `socket.request.max.bytes`: larger frames close the connection.
    public var socketRequestMaxBytes = 100 * 1024 * 1024
    /// Threads that fsync partitions and write their checkpoints, shared by all partitions.
    public var flushThreads = LogStore.defaultFlushThreads
    /// Connections beyond this are refused.
    public var maxConnections = 10_000
    /// Requests one connection may have pending before the broker stops reading from it.
    public var maxInFlightRequestsPerConnection = 32
    /// Request bytes one connection may have pending before the broker stops reading from it.
    public var maxInFlightBytesPerConnection = 64 * 1024 * 1024
    /// How often retention runs.
    public var retentionCheckIntervalMs: Int64 = 60_000
    /// Topic defaults (retention, segment size) for topics that do not override them.
    public var logDefaults = LogConfig()

    /// The topic defaults the store applies: `logDefaults`, except that `--flush never`, page
    /// cache only as in Kafka, also leaves out the background fsync (`flush.ms` is Kafka's
    /// never) unless a topic sets it.
    var storeDefaults: LogConfig {
        var defaults = logDefaults
        if flush == .never { defaults.flushMs = .max }
        return defaults
    }

    public init() {}

    /// One Kafka listener: where it binds, and the address its clients are told to use.
    public struct Listener: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var advertisedHost: String
        public var advertisedPort: Int

        public init(host: String, port: Int, advertisedHost: String, advertisedPort: Int) {
            self.host = host
            self.port = port
            self.advertisedHost = advertisedHost
            self.advertisedPort = advertisedPort
        }
    }

    /// Parses `host:port`, accepting `[v6]:port`.
    public static func parseAddress(_ value: String) -> (host: String, port: Int)? {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
              (0...65535).contains(port)
        else { return nil }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// A configuration the broker cannot start with.
public enum BrokerConfigurationError: Error, CustomStringConvertible {
    case noListener

    public var description: String {
        switch self {
        case .noListener: "no Kafka listener configured"
        }
    }
}
