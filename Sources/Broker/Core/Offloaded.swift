import Dispatch

/// Runs work that waits for the disk (fsync, creating or deleting files) on a Dispatch
/// thread and resumes the caller with its result. Request handlers run on the event loop
/// that serves their connection (`EventLoopTaskExecutor`), one thread per core shared by
/// many connections: an fsync there holds all of them up.
func offloaded<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(E) -> T in try body() })
        }
    }
    return try result.get()
}
