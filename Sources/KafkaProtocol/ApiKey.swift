/// The Kafka APIs this broker implements, by wire key.
public enum ApiKey: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case leaveGroup = 13
    case syncGroup = 14
    case describeGroups = 15
    case listGroups = 16
    case apiVersions = 18
    case createTopics = 19
    case deleteTopics = 20
    case deleteRecords = 21
    case initProducerId = 22
    case describeConfigs = 32
    case alterConfigs = 33
    case createPartitions = 37
    case deleteGroups = 42
    case incrementalAlterConfigs = 44

    public var description: String {
        switch self {
        case .produce: "Produce"
        case .fetch: "Fetch"
        case .listOffsets: "ListOffsets"
        case .metadata: "Metadata"
        case .offsetCommit: "OffsetCommit"
        case .offsetFetch: "OffsetFetch"
        case .findCoordinator: "FindCoordinator"
        case .joinGroup: "JoinGroup"
        case .heartbeat: "Heartbeat"
        case .leaveGroup: "LeaveGroup"
        case .syncGroup: "SyncGroup"
        case .describeGroups: "DescribeGroups"
        case .listGroups: "ListGroups"
        case .apiVersions: "ApiVersions"
        case .createTopics: "CreateTopics"
        case .deleteTopics: "DeleteTopics"
        case .deleteRecords: "DeleteRecords"
        case .initProducerId: "InitProducerId"
        case .describeConfigs: "DescribeConfigs"
        case .alterConfigs: "AlterConfigs"
        case .createPartitions: "CreatePartitions"
        case .deleteGroups: "DeleteGroups"
        case .incrementalAlterConfigs: "IncrementalAlterConfigs"
        }
    }

    /// The versions advertised in ApiVersions: non-flexible ones only, with floors low
    /// enough for librdkafka 2.0's feature checks (see docs/protocol.md).
    public var supportedVersions: ClosedRange<Int16> {
        switch self {
        case .produce: 3...8
        case .fetch: 4...11
        case .listOffsets: 1...5
        case .metadata: 0...8
        case .offsetCommit: 2...7
        case .offsetFetch: 1...5
        case .findCoordinator: 0...2
        case .joinGroup: 0...5
        case .heartbeat: 0...3
        case .leaveGroup: 0...3
        case .syncGroup: 0...3
        case .describeGroups: 0...4
        case .listGroups: 0...2
        case .apiVersions: 0...2
        case .createTopics: 0...4
        case .deleteTopics: 0...3
        case .deleteRecords: 0...1
        case .initProducerId: 0...1
        case .describeConfigs: 0...2
        case .alterConfigs: 0...1
        case .createPartitions: 0...1
        case .deleteGroups: 0...1
        case .incrementalAlterConfigs: 0...0
        }
    }
}
