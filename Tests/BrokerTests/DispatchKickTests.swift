import Testing
import TestSupport

@Suite struct DispatchKickTests {
    /// The kicker is linked into the test process and running: without it, a job libdispatch
    /// strands can hang the whole run.
    @Test func theTestProcessKicksDispatchsGlobalQueues() async throws {
        let before = dispatchKickRounds
        for _ in 0..<40 where dispatchKickRounds <= before { try await Task.sleep(for: .milliseconds(50)) }
        #expect(dispatchKickRounds > before)
    }
}
