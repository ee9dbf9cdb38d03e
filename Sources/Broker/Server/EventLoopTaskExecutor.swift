import NIOCore

/// Runs a connection's tasks on the event loop that owns its socket. Without it each
/// request crosses threads four times (socket read → reader task → request task → writer
/// task → socket write), and on a small machine each crossing is a thread wake-up that
/// costs more than the request itself. On the channel's own loop those hand-offs are
/// queue appends on one thread, and the response is written where it is sent.
///
/// Request handlers already move blocking disk work (fsync, creating and deleting files)
/// off the calling thread (`offloaded`), which keeps the event loop free to serve sockets.
/// Produce handlers run here too, CRC checks and copies into the page cache included: on
/// the pool, each request cost two more thread hand-offs and its CRC read the frame from
/// the other core's cache, which on a 2-core machine cost more than reading the next
/// request meanwhile gained (docs/architecture.md).
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
