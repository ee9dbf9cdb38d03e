import NIOCore
import NIOPosix

/// The process entry: puts Swift Concurrency on NIO's event loops before anything else runs.
@main
enum TributarydMain {
    static func main() async {
        // A request's tasks (connection reader, handler, writer) then run on the loop that
        // reads its socket instead of hopping to Swift's own thread pool and back. Measured
        // at a fixed produce rate: a fifth to a third less broker CPU, a third of the context
        // switches (docs/benchmarks.md). Work that waits for the disk is sent to other
        // threads (`offloaded`, the flush queues), since it would stall a whole loop here.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Tributaryd.main()
    }
}
