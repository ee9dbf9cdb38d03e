#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import Testing
@testable import Broker

extension KafkaServerTests {
    /// An accepted connection gets TCP_NODELAY at the TCP level. The same option name at the
    /// socket level is SO_DEBUG, which an unprivileged broker may not set: every connection
    /// to it failed, and the broker stopped (seen running as the Docker image's user).
    @Test func anAcceptedConnectionHasNoDelayAndNotSocketDebugging() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = KafkaServer(configuration: .init(host: "127.0.0.1", port: 0), handler: EchoHandler(slice: nil), logger: logger)
        let running = Task { try await server.run() }
        defer { running.cancel() }
        let port = try #require(await server.boundAddress()?.port)
        let client = try RawSocket(port: port)
        client.sendFrame([7])
        #expect(await client.receiveFrame() == [7])
        let channel = try #require(server.connections.all.first)
        let noDelay = try await channel.getOption(.tcpOption(.tcp_nodelay)).get()
        let debugging = try await channel.getOption(.socketOption(.init(rawValue: SO_DEBUG))).get()
        #expect(noDelay != 0)
        #expect(debugging == 0)
    }
}
