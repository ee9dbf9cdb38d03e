extension ApiKey {
    /// The request message of this API, for code that decodes any request generically
    /// (fuzzing, tools).
    public var requestType: any KafkaMessage.Type {
        switch self {
        case .produce: ProduceRequest.self
        case .fetch: FetchRequest.self
        case .listOffsets: ListOffsetsRequest.self
        case .metadata: MetadataRequest.self
        case .offsetCommit: OffsetCommitRequest.self
        case .offsetFetch: OffsetFetchRequest.self
        case .findCoordinator: FindCoordinatorRequest.self
        case .joinGroup: JoinGroupRequest.self
        case .heartbeat: HeartbeatRequest.self
        case .leaveGroup: LeaveGroupRequest.self
        case .syncGroup: SyncGroupRequest.self
        case .describeGroups: DescribeGroupsRequest.self
        case .listGroups: ListGroupsRequest.self
        case .apiVersions: ApiVersionsRequest.self
        case .createTopics: CreateTopicsRequest.self
        case .deleteTopics: DeleteTopicsRequest.self
        case .deleteRecords: DeleteRecordsRequest.self
        case .initProducerId: InitProducerIdRequest.self
        case .describeConfigs: DescribeConfigsRequest.self
        case .alterConfigs: AlterConfigsRequest.self
        case .createPartitions: CreatePartitionsRequest.self
        case .deleteGroups: DeleteGroupsRequest.self
        case .incrementalAlterConfigs: IncrementalAlterConfigsRequest.self
        }
    }
}
