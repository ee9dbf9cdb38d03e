import CoreMetrics
import Foundation
import LogStore

import Prometheus
import Synchronization

/// The broker's metrics, created against an explicit Prometheus registry (no global
/// bootstrap, so tests can run many brokers in one process) and served on `/metrics`.
public final class BrokerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let requestCounters = Mutex<[Int16: CoreMetrics.Counter]>([:])
    private let errorCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    let bytesIn: CoreMetrics.Counter
    let bytesOut: CoreMetrics.Counter
    let produceLatency: CoreMetrics.Timer
    let fetchLatency: CoreMetrics.Timer
    /// Passes over a fetch's partitions: above the Fetch request count when long polls wake
    /// and read again before they have `min_bytes`.
    let fetchReads: CoreMetrics.Counter
    let openConnections: CoreMetrics.Meter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
        bytesIn = CoreMetrics.Counter(label: "tributary_bytes_in_total", factory: factory)
        bytesOut = CoreMetrics.Counter(label: "tributary_bytes_out_total", factory: factory)
        produceLatency = CoreMetrics.Timer(label: "tributary_produce_latency_seconds", factory: factory)
        fetchLatency = CoreMetrics.Timer(label: "tributary_fetch_latency_seconds", factory: factory)
        fetchReads = CoreMetrics.Counter(label: "tributary_fetch_reads_total", factory: factory)
        openConnections = CoreMetrics.Meter(label: "tributary_open_connections", factory: factory)
    }

    /// Counts one request of `apiKey` (by name, e.g. `Produce`).
    func countRequest(apiKey: Int16, name: String) {
        let counter = requestCounters.withLock { counters in
            if let counter = counters[apiKey] { return counter }
            let counter = CoreMetrics.Counter(label: "tributary_requests_total", dimensions: [("api", name)], factory: factory)
            counters[apiKey] = counter
            return counter
        }
        counter.increment()
    }

    /// Counts an error code returned for `api`.
    func countError(api: String, code: Int16) {
        guard code != 0 else { return }
        let key = "\(api)/\(code)"
        let counter = errorCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: "tributary_errors_total", dimensions: [("api", api), ("code", String(code))], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// Sets the per-partition gauges from the store; called on each scrape.
    func refreshPartitions(_ store: LogStore) {
        for partition in store.allPartitions() {
            let dimensions = [("topic", partition.topic), ("partition", String(partition.partition))]
            CoreMetrics.Meter(label: "tributary_partition_high_watermark", dimensions: dimensions, factory: factory)
                .set(Double(partition.highWatermark))
            CoreMetrics.Meter(label: "tributary_partition_size_bytes", dimensions: dimensions, factory: factory)
                .set(Double(partition.sizeInBytes))
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render(store: LogStore?) -> String {
        if let store { refreshPartitions(store) }
        return registry.emitToString()
    }
}
