#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

@Suite struct RawSocketTests {
    /// A refused connect closes its socket once. Closing it again (its `deinit` after the
    /// initializer had closed it) closed whatever the number had been handed to meanwhile in
    /// another thread of the test process: a power-loss test's directory fsync got EBADF.
    /// Within one thread the second close fails with EBADF, and that is what this looks for.
    @Test func aRefusedConnectClosesItsSocketOnce() throws {
        let port = try freeLoopbackPort()  // nothing listens on it now
        errno = 0
        #expect(throws: (any Error).self) { try RawSocket(port: port) }
        #expect(errno != EBADF)
    }
}
