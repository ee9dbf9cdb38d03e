/// Kafka error codes used by this broker (`org.apache.kafka.common.protocol.Errors`).
public enum ErrorCode: Int16, Sendable {
    case unknownServerError = -1
    case none = 0
    case offsetOutOfRange = 1
    case corruptMessage = 2
    case unknownTopicOrPartition = 3
    case notLeaderOrFollower = 6
    case messageTooLarge = 10
    case coordinatorNotAvailable = 15
    case notCoordinator = 16
    case invalidTopicException = 17
    case notEnoughReplicas = 19
    case invalidRequiredAcks = 21
    case illegalGeneration = 22
    case inconsistentGroupProtocol = 23
    case invalidGroupId = 24
    case unknownMemberId = 25
    case invalidSessionTimeout = 26
    case rebalanceInProgress = 27
    case unsupportedVersion = 35
    case topicAlreadyExists = 36
    case invalidPartitions = 37
    case invalidReplicationFactor = 38
    case invalidRequest = 42
    case invalidConfig = 40
    case unsupportedForMessageFormat = 43
    case outOfOrderSequenceNumber = 45
    case invalidProducerEpoch = 47
    case transactionalIdAuthorizationFailed = 53
    case kafkaStorageError = 56
    case nonEmptyGroup = 68
    case groupIdNotFound = 69
    case memberIdRequired = 79
    case invalidRecord = 87
}
