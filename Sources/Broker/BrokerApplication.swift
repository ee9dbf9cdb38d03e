import Logging
import LogStore
import NIOCore
import NIOPosix
import UnixSignals
import ServiceLifecycle
import Synchronization

/// tributaryd as a whole: opens the log store, applies the topics file, and runs the Kafka
/// listener, the admin HTTP server and the maintenance loop in one `ServiceGroup`. On
/// SIGTERM/SIGINT the listener stops accepting and finishes in-flight requests, then the
/// store is flushed and closed with its clean-shutdown marker.
public struct BrokerApplication: Sendable {
    public let configuration: BrokerConfiguration
    public let logger: Logger
    /// Called with the bound Kafka and HTTP ports once both listen (tests use port 0).
    public var onReady: @Sendable (_ kafkaPort: Int, _ httpPort: Int) -> Void = { _, _ in }
    /// Signals that stop the broker gracefully; tests pass none and cancel instead.
    public var shutdownSignals: [UnixSignal] = [.sigterm, .sigint]

    public init(configuration: BrokerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let configuration = configuration
        guard !configuration.listeners.isEmpty else { throw BrokerConfigurationError.noListener }
        var storeLogger = logger
        storeLogger[metadataKey: "component"] = "logstore"
        let store = try LogStore(directory: configuration.dataDirectory, defaults: configuration.storeDefaults,
                                 flushThreads: configuration.flushThreads, logger: storeLogger)
        logger.info("data directory ready", metadata: [
            "data-dir": "\(configuration.dataDirectory)", "topics": "\(store.listTopics().count)",
            "recovered-from-crash": "\(store.recoveredFromCrash)", "flush": "\(configuration.flush.rawValue)",
        ])
        do {
            if let path = configuration.topicsFile {
                try TopicsFile.load(path: path).apply(to: store, logger: logger)
            }
            try await runServices(store: store)
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        logger.info("tributaryd stopped cleanly")
    }

    private func runServices(store: LogStore) async throws {
        let configuration = configuration
        let metrics = BrokerMetrics()
        let coordinator = GroupCoordinator(offsets: store.groupOffsets, logger: logger)
        let broker = KafkaBroker(configuration: configuration, store: store, coordinator: coordinator,
                                 metrics: metrics, clusterId: try ClusterIdentity.load(directory: store.directory), logger: logger)
        let tally = ConnectionTally()
        let servers = configuration.listeners.indices.map { index in
            let address = configuration.listeners[index]
            var listener = KafkaServer.Configuration(host: address.host, port: address.port)
            listener.listener = index
            listener.maximumFrameSize = configuration.socketRequestMaxBytes
            listener.maximumConnections = configuration.maxConnections
            listener.maximumInFlightPerConnection = configuration.maxInFlightRequestsPerConnection
            listener.maximumInFlightBytesPerConnection = configuration.maxInFlightBytesPerConnection
            return KafkaServer(configuration: listener, handler: broker, tally: tally, logger: logger)
        }
        let kafkaPort = Atomic<Int>(-1)
        let onReady = onReady
        let http = AdminHTTPServer.make(
            host: configuration.httpHost, port: configuration.httpPort, metrics: metrics, store: store,
            isReady: { kafkaPort.load(ordering: .relaxed) >= 0 },
            onRunning: { port in
                // The Kafka listeners bind first; readiness waits for all of them.
                let kafka = await servers[0].boundAddress()?.port ?? -1
                onReady(kafka, port)
            },
            logger: logger)
        let maintenance = MaintenanceService(store: store, coordinator: coordinator,
                                             retentionIntervalMs: configuration.retentionCheckIntervalMs, metrics: metrics,
                                             tally: tally)
        let readiness = ReadinessService(servers: servers) { ports in
            kafkaPort.store(ports[0], ordering: .relaxed)
            let listeners = zip(configuration.listeners, ports).map { listener, port in
                "\(listener.host):\(port) as \(listener.advertisedHost):\(listener.advertisedPort)"
            }
            logger.info("tributaryd ready", metadata: [
                "kafka": "\(listeners.joined(separator: ", "))",
                "http": "\(configuration.httpHost):\(configuration.httpPort)",
            ])
        }
        let group = ServiceGroup(configuration: .init(
            services: servers.map { .init(service: $0) } + [
                .init(service: http),
                .init(service: maintenance),
                .init(service: readiness, successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: shutdownSignals,
            logger: logger))
        try await group.run()
    }
}

/// Marks the broker ready once every Kafka listener is bound, with their ports.
struct ReadinessService: Service {
    let servers: [KafkaServer]
    let ready: @Sendable ([Int]) -> Void

    func run() async throws {
        var ports: [Int] = []
        for server in servers {
            guard let port = await server.boundAddress()?.port else { return }
            ports.append(port)
        }
        ready(ports)
    }
}

/// Periodic work: group session/rebalance timeouts every 100 ms, `flush.ms` fsyncs every
/// second, retention and offset expiry every interval, and the connection gauge.
struct MaintenanceService: Service {
    let store: LogStore
    let coordinator: GroupCoordinator
    let retentionIntervalMs: Int64
    let metrics: BrokerMetrics
    let tally: ConnectionTally

    func run() async throws {
        var sinceRetention: Int64 = 0
        var ticks = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            await coordinator.tick()
            metrics.openConnections.set(Double(tally.count))
            ticks += 1
            // Once a second: partitions whose unflushed data reached `flush.ms` get an fsync.
            if ticks % 10 == 0 { store.flushDuePartitions() }
            sinceRetention += 100
            if sinceRetention >= retentionIntervalMs {
                sinceRetention = 0
                let store = store
                _ = await offloaded { store.enforceRetention() }
                await coordinator.expireOffsets()
            }
        }
    }
}
