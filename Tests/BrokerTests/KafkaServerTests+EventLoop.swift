import NIOCore
import NIOPosix
import Testing
@testable import Broker

/// Answers whether it ran on an event loop when it started and again after a suspension
/// (1 = yes, 0 = no), so a test can see where the server runs its handlers.
private struct WhereAmIHandler: KafkaRequestHandler {
    func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        let atStart = MultiThreadedEventLoopGroup.currentEventLoop != nil
        try? await Task.sleep(for: .milliseconds(1))
        let afterSleep = MultiThreadedEventLoopGroup.currentEventLoop != nil
        return .respond(KafkaResponseFrame(ByteBuffer(bytes: [atStart ? 1 : 0, afterSleep ? 1 : 0])))
    }
}

extension KafkaServerTests {
    @Test func handlersRunOnTheirConnectionsEventLoop() async throws {
        try await withServer(handler: WhereAmIHandler()) { port in
            let socket = try RawSocket(port: port)
            for _ in 0..<3 { socket.sendFrame([0]) }
            for _ in 0..<3 { #expect(await socket.receiveFrame() == [1, 1]) }
        }
    }
}
