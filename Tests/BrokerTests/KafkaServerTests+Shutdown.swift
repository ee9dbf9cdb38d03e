import Logging
import Testing
@testable import Broker

extension KafkaServerTests {
    /// Clients that connect just before the listener is cancelled leave accepted sockets
    /// queued in the accept stream, which are then dropped unserved. That must close them,
    /// not trap (NIOAsyncChannel's "Deinited NIOAsyncWriter without calling finish()",
    /// swift-nio#2637), and the listener must still stop.
    @Test func aListenerCancelledWhileClientsConnectStopsWithoutCrashing() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        for _ in 0..<10 {
            let server = KafkaServer(configuration: .init(host: "127.0.0.1", port: 0), handler: EchoHandler(slice: nil), logger: logger)
            let running = Task { try await server.run() }
            let port = try #require(await server.boundAddress()?.port)
            let clients = (0..<64).compactMap { _ in try? RawSocket(port: port) }
            running.cancel()
            _ = try? await running.value
            #expect(clients.count == 64)
        }
    }
}
