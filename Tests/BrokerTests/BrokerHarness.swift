import Foundation
import Logging
import LogStore
import Synchronization
import Testing
@testable import Broker

/// Runs a whole tributaryd (store, listener, admin HTTP) in-process on free loopback ports
/// for the duration of `body`, then shuts it down gracefully.
func withBroker<T: Sendable>(
    configure: (inout BrokerConfiguration) -> Void = { _ in },
    _ body: @Sendable (_ kafkaPort: Int, _ httpPort: Int, _ dataDirectory: String) async throws -> T
) async throws -> T {
    let directory = NSTemporaryDirectory() + "broker-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = BrokerConfiguration()
    configuration.listenHost = "127.0.0.1"
    configuration.listenPort = 0
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

enum BrokerHarnessError: Error { case notReady }

/// GET over plain HTTP/1.1 on loopback; returns status and body.
func httpGet(port: Int, path: String) async throws -> (Int, String) {
    let socket = try RawSocket(port: port)
    socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
    let response = String(decoding: await socket.receiveAll(), as: UTF8.self)
    let status = Int(response.split(separator: " ").dropFirst().first ?? "") ?? -1
    let body = response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    return (status, body)
}

/// A value shared between tasks behind a lock.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
