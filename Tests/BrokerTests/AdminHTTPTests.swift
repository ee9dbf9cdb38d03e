import Foundation
import Testing
@testable import Broker
import TestSupport

@Suite struct AdminHTTPTests {
    @Test func healthReadyAndMetrics() async throws {
        try await withBroker { _, http, _ in
            let health = try await httpGet(port: http, path: "/health")
            #expect(health.0 == 200 && health.1 == #"{"status":"ok"}"#)
            #expect(try await httpGet(port: http, path: "/ready").0 == 200)
            let metrics = try await httpGet(port: http, path: "/metrics")
            #expect(metrics.0 == 200)
            #expect(metrics.1.contains("tributary_produce_latency_seconds"))
            #expect(metrics.1.contains("tributary_open_connections"))
            #expect(try await httpGet(port: http, path: "/nope").0 == 404)
        }
    }

    @Test func topicsFileIsAppliedAndPartitionGaugesAppear() async throws {
        let path = NSTemporaryDirectory() + "topics-\(UUID().uuidString).json"
        try Data(#"{"topics":[{"name":"orders","partitions":3,"config":{"retention.ms":"1000"}}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withBroker(configure: { $0.topicsFile = path }) { _, http, _ in
            let metrics = try await httpGet(port: http, path: "/metrics").1
            #expect(metrics.contains(#"tributary_partition_high_watermark{topic="orders",partition="2"} 0"#))
        }
    }

    @Test func aBadTopicsFileStopsStartupWithAClearError() async throws {
        let path = NSTemporaryDirectory() + "topics-\(UUID().uuidString).json"
        try Data(#"{"topics":[{"name":"bad name","partitions":1}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect { try await withBroker(configure: { $0.topicsFile = path }) { _, _, _ in } } throws: { error in
            "\(error)".contains("bad name")
        }
    }
}
