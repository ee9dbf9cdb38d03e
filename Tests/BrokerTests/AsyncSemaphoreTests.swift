import Testing
@testable import Broker

@Suite struct AsyncSemaphoreTests {
    @Test func aCancelledWaiterThrowsAndHoldsNothing() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let waiter = Task { try await semaphore.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        semaphore.release()
        // The cancelled waiter took nothing: the single permit is free again.
        #expect(try await semaphore.acquire() == 1)
    }

    @Test func cancellingTheHeadOfTheQueueAdmitsTheWaitersBehindIt() async throws {
        let semaphore = AsyncSemaphore(permits: 10)
        try await semaphore.acquire(10)
        let big = Task { try await semaphore.acquire(8) }
        try await Task.sleep(for: .milliseconds(50))
        let small = Task { try await semaphore.acquire(2) }
        try await Task.sleep(for: .milliseconds(50))
        semaphore.release(3)  // enough for `small`, but `big` is first in line
        big.cancel()
        #expect(try await small.value == 2)
        await #expect(throws: CancellationError.self) { try await big.value }
    }
}
