import NIOCore
import Synchronization
import Testing
import TestSupport
@testable import Broker

/// Records how many request bytes are being handled at once; each request takes 20 ms.
final class InFlightBytesHandler: KafkaRequestHandler, Sendable {
    private let state = Mutex((current: 0, peak: 0))
    var peak: Int { state.withLock { $0.peak } }
    func resetPeak() { state.withLock { $0.peak = $0.current } }

    func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        let size = frame.readableBytes
        state.withLock { state in
            state.current += size
            state.peak = max(state.peak, state.current)
        }
        try? await Task.sleep(for: .milliseconds(20))
        state.withLock { $0.current -= size }
        return .respond(KafkaResponseFrame(ByteBuffer(bytes: frame.readableBytesView.prefix(4))))
    }
}

extension KafkaServerTests {
    @Test func aConnectionHoldsNoMoreRequestBytesThanItsBudget() async throws {
        let handler = InFlightBytesHandler()
        try await withServer(handler: handler, configure: { $0.maximumInFlightBytesPerConnection = 300_000 }) { port in
            let socket = try RawSocket(port: port)
            // 20 pipelined 100 kB requests: without the budget all 20 would be handled at once.
            for index in 0..<20 { socket.sendFrame([UInt8(index), 0, 0, 0] + [UInt8](repeating: 7, count: 100_000 - 4)) }
            for index in 0..<20 { #expect(await socket.receiveFrame() == [UInt8(index), 0, 0, 0]) }
            #expect(handler.peak <= 300_000, "in-flight peak \(handler.peak) bytes over a 300 kB budget")
            #expect(handler.peak >= 200_000, "requests should still overlap within the budget")
            handler.resetPeak()
            // One request larger than the whole budget is still served, on its own.
            socket.sendFrame([99, 0, 0, 0] + [UInt8](repeating: 7, count: 500_000 - 4))
            socket.sendFrame([100, 0, 0, 0] + [UInt8](repeating: 7, count: 100_000 - 4))
            #expect(await socket.receiveFrame() == [99, 0, 0, 0])
            #expect(await socket.receiveFrame() == [100, 0, 0, 0])
            #expect(handler.peak == 500_000, "the oversized request must run alone")
        }
    }
}

extension KafkaServerTests {
    /// A client that pipelines past the in-flight limit and hangs up: the connection must
    /// still end (its reader, waiting for room, is cancelled), so shutdown does not hang.
    @Test func aClientThatHangsUpWithRequestsQueuedLeavesNothingBehind() async throws {
        let finished = LockedBox(false)
        // Unstructured, so a hang shows up as a failed expectation rather than a stuck run.
        Task {
            try await withServer(handler: EchoHandler(slice: nil), configure: { $0.maximumInFlightPerConnection = 2 }) { port in
                do {
                    let socket = try RawSocket(port: port)
                    for _ in 0..<20 { socket.sendFrame([1, 5]) }  // each answered after 50 ms
                }  // the socket closes here, with most requests not yet read
                try await Task.sleep(for: .milliseconds(200))
            }
            finished.withLock { $0 = true }
        }
        // Generous: the whole suite shares two cooperative threads, and under `make test` this
        // task once waited past a 20 s deadline behind the rest of the suite (28 s in all).
        // A hang never ends, so any bound well past the suite's run time catches it.
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while !finished.withLock({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(finished.withLock { $0 }, "the server did not shut down: the hung-up connection never ended")
    }
}
