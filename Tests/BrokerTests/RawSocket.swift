#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A blocking TCP client with timeouts, for speaking raw bytes to the broker in tests.
/// Blocking reads run on a thread of their own: a blocked cooperative thread would starve the
/// server under test, which runs its handlers on the same small pool.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    init(port: Int, timeoutSeconds: Int = 5) throws {
        // `fd` is set only once connected: an initializer that throws after every stored
        // property is set still runs `deinit`, and a refused connect then closed the number
        // twice, the second time under whichever thread had been handed it meanwhile (a power-loss
        // test's directory fsync failed with EBADF).
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        fd = descriptor
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Sends `body` with its 4-byte size prefix.
    func sendFrame(_ body: [UInt8]) {
        var frame: [UInt8] = []
        withUnsafeBytes(of: Int32(body.count).bigEndian) { frame += $0 }
        send(frame + body)
    }

    /// Reads exactly `count` bytes; nil on EOF, error or timeout.
    func receive(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n <= 0 { return nil }
            got += n
        }
        return bytes
    }

    /// Reads one size-prefixed frame body; nil when the connection closed.
    func receiveFrame() async -> [UInt8]? {
        await offPool { self.receiveFrameBlocking() }
    }

    /// True when the peer closed the connection (EOF) within the receive timeout.
    func isClosedByPeer() async -> Bool {
        await offPool {
            var byte: UInt8 = 0
            return recv(self.fd, &byte, 1, 0) == 0
        }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            // A thread of its own: Dispatch's global queues share the cooperative pool's width.
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Everything until the peer closes.
    func receiveAll() async -> [UInt8] {
        await offPool {
            var all: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress!, 65536, 0) }
                if n <= 0 { return all }
                all += chunk[0..<n]
            }
        }
    }

    func receiveFrameBlocking() -> [UInt8]? {
        guard let size = receive(4) else { return nil }
        let length = size.withUnsafeBytes { Int32(bigEndian: $0.loadUnaligned(as: Int32.self)) }
        guard length >= 0 else { return nil }
        return receive(Int(length))
    }
}
