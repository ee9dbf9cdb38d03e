import Foundation
import Logging
import LogStore
import Synchronization
import Broker
#if canImport(Glibc)
import Glibc
#endif

/// Runs a whole tributaryd (store, listener, admin HTTP) in-process on free loopback ports
/// for the duration of `body`, then shuts it down gracefully.
public func withBroker<T: Sendable>(
    configure: (inout BrokerConfiguration) -> Void = { _ in },
    _ body: @Sendable (_ kafkaPort: Int, _ httpPort: Int, _ dataDirectory: String) async throws -> T
) async throws -> T {
    let directory = NSTemporaryDirectory() + "broker-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = BrokerConfiguration()
    // Clients follow the advertised address, so it must be the real port: pick a free one.
    let port = try freeLoopbackPort()
    configuration.listeners = [.init(host: "127.0.0.1", port: port, advertisedHost: "127.0.0.1", advertisedPort: port)]
    configuration.httpPort = 0
    configuration.dataDirectory = directory
    configure(&configuration)
    var logger = Logger(label: "broker-test")
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG"] == nil ? .critical : .debug
    var application = BrokerApplication(configuration: configuration, logger: logger)
    application.shutdownSignals = []
    let ports = LockedBox<(Int, Int)?>(nil)
    application.onReady = { kafka, http in ports.withLock { $0 = (kafka, http) } }
    let app = application
    let failure = LockedBox<(any Error)?>(nil)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            do {
                try await app.run()
            } catch is CancellationError {
                // The harness cancels to stop the broker.
            } catch {
                failure.withLock { $0 = error }
            }
            return nil
        }
        var ready: (Int, Int)?
        for _ in 0..<1000 {
            if let error = failure.withLock({ $0 }) { throw error }
            ready = ports.withLock { $0 }
            if ready != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard let (kafka, http) = ready else {
            group.cancelAll()
            throw BrokerHarnessError.notReady
        }
        let result = try await body(kafka, http, directory)
        group.cancelAll()
        while let next = try await group.next() { _ = next }
        return result
    }
}

public enum BrokerHarnessError: Error { case notReady }

/// A value shared between tasks behind a lock.
public final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    public init(_ value: Value) { mutex = Mutex(value) }
    public func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A loopback TCP port that was free a moment ago.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BrokerHarnessError.notReady }
    return Int(UInt16(bigEndian: address.sin_port))
}
