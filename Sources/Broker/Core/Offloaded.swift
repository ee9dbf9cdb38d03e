import Dispatch

/// Runs work that waits for the disk (fsync, creating or deleting files) on a Dispatch
/// thread and resumes the caller with its result. tributaryd runs Swift tasks on NIO's event
/// loops, where such a wait would hold up every connection served by that loop.
func offloaded<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(E) -> T in try body() })
        }
    }
    return try result.get()
}
