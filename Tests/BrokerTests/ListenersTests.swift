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

    /// `--max-connections` is the broker's, as Kafka's `max.connections`: a client of the
    /// second listener is refused while the first holds the only connection allowed.
    @Test func theConnectionLimitCountsEveryListener() async throws {
        let second = try freeLoopbackPort()
        try await withBroker(configure: { configuration in
            configuration.maxConnections = 1
            configuration.listeners.append(.init(host: "127.0.0.1", port: second, advertisedHost: "127.0.0.1", advertisedPort: second))
        }) { port, _, _ in
            let first = try WireClient(port: port)
            _ = try await first.send(.metadata, 8, MetadataRequest(), expecting: MetadataResponse.self)
            let refused = try RawSocket(port: second)
            #expect(await refused.isClosedByPeer())
            _ = try await first.send(.metadata, 8, MetadataRequest(), expecting: MetadataResponse.self)
        }
    }

    @Test func aBrokerWithoutListenersDoesNotStart() async throws {
        await #expect(throws: BrokerConfigurationError.self) {
            try await withBroker(configure: { $0.listeners = [] }) { _, _, _ in }
        }
    }
}
