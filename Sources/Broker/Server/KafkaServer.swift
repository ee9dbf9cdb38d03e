import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The Kafka protocol listener: accepts connections, frames requests, and hands them to a
/// `KafkaRequestHandler`. A swift-service-lifecycle `Service`: on graceful shutdown it stops
/// accepting, lets every connection finish the requests it has in flight, then closes them.
public final class KafkaServer: Service, Sendable {
    /// Listener settings.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// This listener's place among the broker's, given to each of its connections.
        public var listener = 0
        /// `socket.request.max.bytes`: larger frames close the connection.
        public var maximumFrameSize: Int = 100 * 1024 * 1024
        /// Pipelined requests a connection may have pending before the broker stops reading it.
        public var maximumInFlightPerConnection: Int = 32
        /// Request bytes a connection may have pending before the broker stops reading it
        /// (a single larger request is still served, alone).
        public var maximumInFlightBytesPerConnection: Int = 64 * 1024 * 1024
        /// Connections beyond this, counted across every listener sharing the server's
        /// `ConnectionTally`, are closed on accept.
        public var maximumConnections: Int = 10_000
        /// How long shutdown waits for in-flight requests.
        public var shutdownGracePeriod: Duration = .seconds(10)

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    let configuration: Configuration
    let handler: any KafkaRequestHandler
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let connections = ConnectionRegistry()
    let tally: ConnectionTally
    private let bound = Mutex<SocketAddress?>(nil)
    private let boundWaiters = Mutex<[CheckedContinuation<SocketAddress?, Never>]>([])

    /// A broker's listeners share one `tally`, so that `maximumConnections` bounds them together.
    public init(configuration: Configuration, handler: any KafkaRequestHandler,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                tally: ConnectionTally = ConnectionTally(),
                logger: Logger = Logger(label: "tributary.server")) {
        self.configuration = configuration
        self.tally = tally
        self.handler = handler
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The address the listener is bound to, once `run()` has bound it (nil if binding failed).
    public func boundAddress() async -> SocketAddress? {
        await withCheckedContinuation { continuation in
            let ready: SocketAddress?? = bound.withLock { address in
                if let address { return .some(address) }
                return nil
            }
            if let ready { continuation.resume(returning: ready) } else {
                boundWaiters.withLock { $0.append(continuation) }
                // Re-check: the bind may have completed between the two locks.
                if let address = bound.withLock({ $0 }) { resolveBound(address) }
            }
        }
    }

    private func resolveBound(_ address: SocketAddress?) {
        let waiters = boundWaiters.withLock { waiters in
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: address) }
    }

    public func run() async throws {
        let configuration = configuration
        // Accepted sockets come out as plain channels that do not read yet; the connection's
        // task wraps each in a NIOAsyncChannel and only then lets it read. A NIOAsyncChannel
        // made in the initializer traps when dropped unused, which is what happens to one
        // still queued in the accept stream when the listener is cancelled or stops
        // (swift-nio#2637): a client connecting during shutdown could crash the broker.
        //
        // No `childChannelOption`s: NIO reports a failed child option as an error on the
        // listener, which ends its accept stream and with it the broker. The same options set
        // in the initializer (`configureAccepted`) fail only that connection.
        let server: NIOAsyncChannel<any Channel, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        do {
                            try Self.configureAccepted(channel, maximumFrameSize: configuration.maximumFrameSize)
                            return channel
                        } catch {
                            channel.close(promise: nil)
                            throw error
                        }
                    }
                }
        } catch {
            resolveBound(nil)
            throw error
        }
        let address = server.channel.localAddress
        bound.withLock { $0 = address }
        resolveBound(address)
        logger.info("Kafka listener ready", metadata: ["address": "\(address.map { "\($0)" } ?? "?")"])

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await channel in inbound {
                        guard tally.reserve(limit: configuration.maximumConnections) else {
                            logger.warning("connection limit \(configuration.maximumConnections) reached; refusing a client")
                            try? await channel.close()
                            continue
                        }
                        let context = ConnectionContext(id: connections.nextId(),
                                                        remoteAddress: channel.remoteAddress.map { "\($0)" } ?? "?",
                                                        listener: configuration.listener)
                        connections.add(context.id, channel)
                        group.addTask { [self] in
                            defer {
                                connections.remove(context.id)
                                tally.release()
                            }
                            guard let channel = try? await Self.startReading(channel) else {
                                try? await channel.close()
                                return
                            }
                            await KafkaConnection(channel: channel, context: context,
                                                  handler: TrackingHandler(inner: handler, registry: connections),
                                                  maximumInFlight: configuration.maximumInFlightPerConnection,
                                                  maximumInFlightBytes: configuration.maximumInFlightBytesPerConnection,
                                                  logger: logger).run()
                        }
                    }
                }
            }
        } onGracefulShutdown: { [self] in
            logger.info("Kafka listener stopping: no new connections, finishing in-flight requests")
            server.channel.close(promise: nil)
            let grace = configuration.shutdownGracePeriod
            Task { [connections] in
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: grace)
                while connections.pendingRequests > 0, clock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                try? await Task.sleep(for: .milliseconds(50))  // let the last responses reach the socket
                connections.closeAll()
            }
        }
        logger.info("Kafka listener stopped")
    }
}

extension KafkaServer {
    /// Sets up an accepted socket before it is registered: it does not read until its task
    /// is ready, sends small responses at once, and frames requests.
    static func configureAccepted(_ channel: any Channel, maximumFrameSize: Int) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(.autoRead, value: false)
        // A TCP-level option: `.socketOption(.tcp_nodelay)` would be SOL_SOCKET's option 1,
        // SO_DEBUG, which only root may set. It failed every connection of an unprivileged
        // broker (as in the Docker image), and took the broker down with it.
        try options.setOption(.tcpOption(.tcp_nodelay), value: 1)
        try channel.addKafkaFrameDecoder(maximumFrameSize: maximumFrameSize)
        try channel.pipeline.syncOperations.addHandler(KafkaResponseEncoder())
    }

    /// Wraps an accepted channel for the connection's task, then turns reading on: nothing
    /// is read before the handler that hands frames to the task is in place.
    static func startReading(_ channel: any Channel) async throws -> NIOAsyncChannel<ByteBuffer, KafkaResponseFrame> {
        try await channel.eventLoop.submit {
            // Few decoded frames wait ahead of the reader, so the in-flight byte budget, not
            // NIO's buffering, bounds what a connection holds.
            let wrapped = try NIOAsyncChannel<ByteBuffer, KafkaResponseFrame>(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 4)))
            // Accepted sockets always have synchronous options; without them it could never read.
            guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
            try options.setOption(.autoRead, value: true)
            return wrapped
        }.get()
    }
}

/// Counts requests in flight per process, so shutdown knows when it may close connections.
private struct TrackingHandler: KafkaRequestHandler {
    let inner: any KafkaRequestHandler
    let registry: ConnectionRegistry

    func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        registry.requestStarted()
        defer { registry.requestFinished() }
        return await inner.handle(frame: frame, connection: connection)
    }
}

/// The open connections and the number of requests being handled.
final class ConnectionRegistry: Sendable {
    private let channels = Mutex<[UInt64: any Channel]>([:])
    private let pending = Atomic<Int>(0)
    private let ids = Atomic<UInt64>(0)

    var pendingRequests: Int { pending.load(ordering: .relaxed) }
    func nextId() -> UInt64 { ids.add(1, ordering: .relaxed).newValue }
    func add(_ id: UInt64, _ channel: any Channel) { channels.withLock { $0[id] = channel } }
    func remove(_ id: UInt64) { _ = channels.withLock { $0.removeValue(forKey: id) } }
    var all: [any Channel] { channels.withLock { Array($0.values) } }
    func requestStarted() { pending.add(1, ordering: .relaxed) }
    func requestFinished() { pending.subtract(1, ordering: .relaxed) }
    func closeAll() {
        for channel in all { channel.close(promise: nil) }
    }
}
