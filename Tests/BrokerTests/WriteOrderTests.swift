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
        let entered = Entries()
        let reader = Task {
            await barrier.wait()
            entered.append(2)
        }
        first.finish()
        try await Task.sleep(for: .milliseconds(50))
        #expect(entered.all.isEmpty)
        second.finish()
        await reader.value
        // The barrier's request never finishes anything, and the later write does not wait for it.
        await later.wait()
        later.finish()
        #expect(entered.all == [2])
    }

    @Test func aLaterTurnFinishedEarlyDoesNotReleaseABarrier() async throws {
        let order = WriteOrder()
        let first = order.nextTurn()
        let barrier = try #require(order.barrier())
        let failedEarly = order.nextTurn()
        failedEarly.finish()
        let entered = Entries()
        let reader = Task {
            await barrier.wait()
            entered.append(1)
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(entered.all.isEmpty)
        first.finish()
        await reader.value
        #expect(entered.all == [1])
    }

    @Test func barriersAreReleasedWhenTheTurnsBeforeThemFinishOutOfOrder() async throws {
        let order = WriteOrder()
        let turns = (0..<3).map { _ in order.nextTurn() }
        let behindThree = try #require(order.barrier())
        let extra = order.nextTurn()
        let behindFour = try #require(order.barrier())
        let entered = Entries()
        let readers = [(behindThree, 1), (behindFour, 2)].map { barrier, tag in
            Task {
                await barrier.wait()
                entered.append(tag)
            }
        }
        // Finished ahead of the first turn, so `current` jumps past several barriers at once.
        turns[2].finish()
        extra.finish()
        turns[1].finish()
        try await Task.sleep(for: .milliseconds(50))
        #expect(entered.all.isEmpty)
        turns[0].finish()
        for reader in readers { await reader.value }
        #expect(Set(entered.all) == [1, 2])
    }
}
