import Foundation
import Logging
import LogStore
import NIOCore
import ServiceLifecycle
import Testing
@testable import Broker

/// Echoes each frame back; frames starting with a command byte change behaviour:
/// 1 = sleep (next byte × 10 ms) first, 2 = no response, 3 = close, 4 = reply with file bytes.
struct EchoHandler: KafkaRequestHandler {
    let slice: FileSlice?

    func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        let bytes = Array(frame.readableBytesView)
        switch bytes.first {
        case 1:
            try? await Task.sleep(for: .milliseconds(10 * Int(bytes.count > 1 ? bytes[1] : 0)))
        case 2:
            return .noResponse
        case 3:
            return .close(reason: "test asked")
        case 4:
            if let slice { return .respond(KafkaResponseFrame(parts: [.bytes(ByteBuffer(bytes: [9])), .file(slice), .bytes(ByteBuffer(bytes: [8]))])) }
        default:
            break
        }
        return .respond(KafkaResponseFrame(ByteBuffer(bytes: bytes)))
    }
}

/// Runs a server on a free loopback port for the duration of `body`.
func withServer<T: Sendable>(
    handler: any KafkaRequestHandler,
    configure: (inout KafkaServer.Configuration) -> Void = { _ in },
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    var configuration = KafkaServer.Configuration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    var logger = Logger(label: "test")
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG"] == nil ? .critical : .trace
    let server = KafkaServer(configuration: configuration, handler: handler, logger: logger)
    let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try #require(await server.boundAddress()?.port)
        do {
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

@Suite struct KafkaServerTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer(handler: EchoHandler(slice: nil)) { port in
            let socket = try RawSocket(port: port)
            // Later requests finish first; answers must still come back in request order.
            for index in 0..<10 { socket.sendFrame([1, UInt8(10 - index), UInt8(index)]) }
            socket.sendFrame([2, 0])  // acks=0: no answer, and no hole in the order
            socket.sendFrame([0, 42])
            for index in 0..<10 { #expect(await socket.receiveFrame() == [1, UInt8(10 - index), UInt8(index)]) }
            #expect(await socket.receiveFrame() == [0, 42])
        }
    }

    @Test(arguments: [Int32(-1), Int32(-2_000_000_000), Int32(200 * 1024 * 1024)])
    func invalidFrameSizesCloseOnlyThatConnection(size: Int32) async throws {
        try await withServer(handler: EchoHandler(slice: nil)) { port in
            let bystander = try RawSocket(port: port)
            bystander.sendFrame([0, 1])
            #expect(await bystander.receiveFrame() == [0, 1])
            let hostile = try RawSocket(port: port)
            var bytes: [UInt8] = []
            withUnsafeBytes(of: size.bigEndian) { bytes += $0 }
            hostile.send(bytes + [1, 2, 3])
            #expect(await hostile.isClosedByPeer())
            bystander.sendFrame([0, 2])
            #expect(await bystander.receiveFrame() == [0, 2])
        }
    }

    @Test func handlerCanCloseTheConnection() async throws {
        try await withServer(handler: EchoHandler(slice: nil)) { port in
            let socket = try RawSocket(port: port)
            socket.sendFrame([0, 7])
            socket.sendFrame([3])
            #expect(await socket.receiveFrame() == [0, 7])
            #expect(await socket.isClosedByPeer())
        }
    }

    @Test func fileSlicesAreSentFromTheFile() async throws {
        let path = NSTemporaryDirectory() + "server-slice-\(UUID().uuidString)"
        defer { unlink(path) }
        let file = try LogFile(path: path)
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 13) }
        try content.withUnsafeBytes { try file.write($0, at: 0) }
        let slice = FileSlice(file: file, position: 1000, count: 90_000)
        try await withServer(handler: EchoHandler(slice: slice)) { port in
            let socket = try RawSocket(port: port)
            for _ in 0..<3 {
                socket.sendFrame([4])
                let received = await socket.receiveFrame()
                #expect(received == [9] + Array(content[1000..<91_000]) + [8], "file bytes differ (\(received?.count ?? -1) bytes)")
            }
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequests() async throws {
        var configuration = KafkaServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.shutdownGracePeriod = .seconds(5)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = KafkaServer(configuration: configuration, handler: EchoHandler(slice: nil), logger: logger)
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        async let running: Void = group.run()
        let port = try #require(await server.boundAddress()?.port)
        let socket = try RawSocket(port: port)
        socket.sendFrame([1, 30, 5])  // 300 ms of work
        // In flight means being handled: a fixed pause was not always enough on a loaded
        // machine, and a request still unread when shutdown starts is not in flight.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while server.connections.pendingRequests == 0, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.connections.pendingRequests == 1)
        await group.triggerGracefulShutdown()
        #expect(await socket.receiveFrame() == [1, 30, 5])
        #expect(await socket.isClosedByPeer())
        try await running
        #expect(throws: (any Error).self) { try RawSocket(port: port) }
    }
}
