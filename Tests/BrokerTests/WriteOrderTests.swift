import Synchronization
import Testing
@testable import Broker

@Suite(.timeLimit(.minutes(1))) struct WriteOrderTests {
    /// Records the order in which turns got through `wait()`.
    final class Entries: Sendable {
        let numbers = Mutex<[Int]>([])
        func append(_ number: Int) { numbers.withLock { $0.append(number) } }
        var all: [Int] { numbers.withLock { $0 } }
    }

    /// Starts `wait` in a task, checks that it is still waiting 50 ms later, calls `release`,
    /// and returns once `wait` has returned.
    func expectBlocked(_ wait: @escaping @Sendable () async -> Void, until release: () -> Void) async throws {
        let returned = Entries()
        let waiter = Task {
            await wait()
            returned.append(1)
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(returned.all.isEmpty)
        release()
        await waiter.value
        #expect(returned.all == [1])
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
        try await expectBlocked({ await third.wait() }, until: { first.finish() })
    }

    @Test func noBarrierWhileNoWriteIsPending() {
        let order = WriteOrder()
        #expect(order.barrier() == nil)
        let turn = order.nextTurn()
        #expect(order.barrier() != nil)
        turn.finish()
        #expect(order.barrier() == nil)
    }

    @Test func aBarrierWaitsForEveryEarlierTurnAndNotForLaterOnes() async throws {
        let order = WriteOrder()
        let first = order.nextTurn(), second = order.nextTurn()
        let barrier = try #require(order.barrier())
        let later = order.nextTurn()
        first.finish()
        try await expectBlocked({ await barrier.wait() }, until: { second.finish() })
        // The barrier's request never finishes anything, and the later write does not wait for it.
        await later.wait()
        later.finish()
    }

    @Test func aLaterTurnFinishedEarlyDoesNotReleaseABarrier() async throws {
        let order = WriteOrder()
        let first = order.nextTurn()
        let barrier = try #require(order.barrier())
        let failedEarly = order.nextTurn()
        failedEarly.finish()
        try await expectBlocked({ await barrier.wait() }, until: { first.finish() })
    }

    @Test func barriersAreReleasedWhenTheTurnsBeforeThemFinishOutOfOrder() async throws {
        let order = WriteOrder()
        let turns = (0..<3).map { _ in order.nextTurn() }
        let behindThree = try #require(order.barrier())
        let extra = order.nextTurn()
        let behindFour = try #require(order.barrier())
        // Finished ahead of the first turn, so `current` jumps past both barriers at once.
        turns[2].finish()
        extra.finish()
        turns[1].finish()
        try await expectBlocked({
            await behindThree.wait()
            await behindFour.wait()
        }, until: { turns[0].finish() })
    }
}
