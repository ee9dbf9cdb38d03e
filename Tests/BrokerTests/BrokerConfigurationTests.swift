import LogStore
import Testing
@testable import Broker

@Suite struct BrokerConfigurationTests {
    /// `--flush never` is Kafka's page-cache-only durability, background fsync included;
    /// the other policies keep the one-minute `flush.ms`.
    @Test(arguments: [(FlushPolicy.acks, Int64(60_000)), (.always, 60_000), (.never, .max)])
    func flushMsDefaultFollowsTheFlushPolicy(policy: FlushPolicy, flushMs: Int64) throws {
        var configuration = BrokerConfiguration()
        configuration.flush = policy
        #expect(configuration.storeDefaults.flushMs == flushMs)
        // A topic's own flush.ms still wins.
        #expect(try configuration.storeDefaults.applying(["flush.ms": "5000"]).flushMs == 5_000)
    }
}
