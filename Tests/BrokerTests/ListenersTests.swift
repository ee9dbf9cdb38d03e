import KafkaProtocol
import Testing
import TestSupport
@testable import Broker

@Suite struct ListenersTests {
    /// Each listener's clients are sent to that listener's advertised address, as with Kafka's
    /// `advertised.listeners`: a container network's name on one, the host's on another.
    @Test func metadataAndFindCoordinatorAnswerWithTheListenersAdvertisedAddress() async throws {
        let second = try freeLoopbackPort()
        try await withBroker(configure: { configuration in
            configuration.listeners.append(.init(host: "127.0.0.1", port: second, advertisedHost: "outside.example", advertisedPort: 29092))
        }) { port, _, _ in
            for (listenerPort, host, advertisedPort) in [(port, "127.0.0.1", Int32(port)), (second, "outside.example", 29092)] {
                let client = try WireClient(port: listenerPort)
                let metadata = try await client.send(.metadata, 8, MetadataRequest(), expecting: MetadataResponse.self)
                #expect(metadata.brokers.map(\.host) == [host] && metadata.brokers.map(\.port) == [advertisedPort])
                var find = FindCoordinatorRequest()
                find.key = "a-group"
                let coordinator = try await client.send(.findCoordinator, 2, find, expecting: FindCoordinatorResponse.self)
                #expect(coordinator.host == host && coordinator.port == advertisedPort)
            }
        }
    }

    @Test func aBrokerWithoutListenersDoesNotStart() async throws {
        await #expect(throws: BrokerConfigurationError.self) {
            try await withBroker(configure: { $0.listeners = [] }) { _, _, _ in }
        }
    }
}
