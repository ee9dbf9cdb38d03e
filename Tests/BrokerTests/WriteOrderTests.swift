import Synchronization
import Testing
@testable import Broker

@Suite struct WriteOrderTests {
    /// Records the order in which turns got through `wait()`.
    final class Entries: Sendable {
        let numbers = Mutex<[Int]>([])
        func append(_ number: Int) { numbers.withLock { $0.append(number) } }
        var all: [Int] { numbers.withLock { $0 } }
    }

    @Test func laterTurnsWaitForEarlierOnesWhateverOrderTheyStartIn() async throws {
        let order = WriteOrder()
        let turns = (0..<4).map { _ in order.nextTurn() }
        let entries = Entries()
        let waiting = (1..<4).reversed().map { number in
            Task {
                await turns[number].wait()
                entries.append(number)
                turns[number].finish()
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(entries.all.isEmpty)
        await turns[0].wait()
        entries.append(0)
        turns[0].finish()
        for task in waiting { await task.value }
        #expect(entries.all == [0, 1, 2, 3])
    }

    @Test func aTurnFinishedWithoutWaitingDoesNotHoldUpTheNext() async {
        let order = WriteOrder()
        let failedEarly = order.nextTurn()
        let next = order.nextTurn()
        failedEarly.finish()
        failedEarly.finish()
        await next.wait()
        next.finish()
        next.finish()
        let third = order.nextTurn()
        await third.wait()
    }

    @Test func aTurnFinishedAheadCountsOnceTheTurnsBeforeItFinish() async throws {
        let order = WriteOrder()
        let first = order.nextTurn(), second = order.nextTurn(), third = order.nextTurn()
        second.finish()
        let entered = Entries()
        let waiter = Task {
            await third.wait()
            entered.append(3)
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(entered.all.isEmpty)
        first.finish()
        await waiter.value
        #expect(entered.all == [3])
    }
}
