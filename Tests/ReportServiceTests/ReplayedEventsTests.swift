import Testing
@testable import ReportService

@Suite struct ReplayedEventsTests {
    /// A stream resumed from the start of a long history must not hold every id it replayed,
    /// yet still knows the newest ones.
    @Test func aLongBacklogIsRememberedOnlyByItsNewestIds() {
        var replayed = ReplayedEvents(capacity: 2_000)
        var most = 0
        for id in Int64(1)...1_000_000 {
            replayed.replayed(id)
            most = max(most, replayed.count)
        }
        #expect(most < 4_000)
        let answers = [Int64(1_000_000), 998_001, 1].map { replayed.isDuplicate($0) }
        #expect(answers == [true, true, false])
    }

    /// Each replayed event is skipped once when it arrives live; others pass.
    @Test func aReplayedEventIsSkippedOnceLive() {
        var replayed = ReplayedEvents(capacity: 10)
        for id in [Int64(3), 5, 8] { replayed.replayed(id) }
        let answers = [Int64(5), 5, 9, 8, 3].map { replayed.isDuplicate($0) }
        #expect(answers == [true, false, false, true, true])
        #expect(replayed.count == 0)
    }
}
