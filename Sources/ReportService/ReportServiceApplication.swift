import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// report-service as a whole: the consumer and the HTTP server in one `ServiceGroup`.
public struct ReportServiceApplication: Sendable {
    public struct Configuration: Sendable {
        public var bootstrapServers = "localhost:9092"
        public var topic = "car-shop-reported-events"
        public var groupId = "report-service-group"
        public var host = "0.0.0.0"
        public var port = 8081
        public var database = "./reports.sqlite"
        public init() {}
    }

    public let configuration: Configuration
    public let logger: Logger
    /// Called with the HTTP port once the server listens (tests use port 0).
    public var onReady: @Sendable (Int) -> Void = { _ in }
    public var shutdownSignals: [UnixSignal] = [.sigterm, .sigint]

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let store = try ReportStore(path: configuration.database)
        let registry = PrometheusCollectorRegistry()
        let metrics = ReportMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let broadcaster = EventBroadcaster()
        let consumer = ReportConsumer(
            configuration: .init(bootstrapServers: configuration.bootstrapServers, topic: configuration.topic, groupId: configuration.groupId),
            store: store, broadcaster: broadcaster, metrics: metrics, logger: logger)
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(logger: logger))
        ReportRoutes(store: store, broadcaster: broadcaster, registry: registry, metrics: metrics,
                     isReady: { consumer.isReady }).register(on: router)
        let onReady = onReady
        let http = Application(router: router,
                               configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "report-service"),
                               onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) },
                               logger: logger)
        // Shut down in reverse order: live streams end, then HTTP drains, then the consumer leaves.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: consumer), .init(service: http), .init(service: StreamCloser(broadcaster: broadcaster))],
            gracefulShutdownSignals: shutdownSignals, logger: logger))
        try await group.run()
    }
}
