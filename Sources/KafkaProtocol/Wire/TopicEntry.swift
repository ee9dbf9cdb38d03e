/// The `{ name, partitions: [...] }` shape that many requests and responses share.
public struct TopicEntry<Partition: KafkaMessage>: KafkaMessage {
    public var name = ""
    public var partitions: [Partition] = []
    public init() {}

    public init(name: String, partitions: [Partition]) {
        self.name = name
        self.partitions = partitions
    }

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&name, "topic name")
        try coder.array(&partitions, version: version, "partitions")
    }
}
