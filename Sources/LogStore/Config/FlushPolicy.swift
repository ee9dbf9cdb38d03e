/// When appended data is forced to disk before the producer hears back (`--flush`).
public enum FlushPolicy: String, Sendable, CaseIterable {
    /// acks=all waits for an fsync shared by every append in flight (group commit);
    /// acks=1 is answered once the bytes are in the page cache.
    case acks
    /// Every produce, whatever its acks, waits for an fsync.
    case always
    /// Page cache only, as Kafka does by default; the OS writes back when it likes. The
    /// broker also leaves out the background `flush.ms` fsync unless a topic sets it.
    case never

    /// Whether a produce with these `acks` must wait until its data is durable.
    public func requiresSync(acks: Int16) -> Bool {
        switch self {
        case .acks: acks == -1
        case .always: true
        case .never: false
        }
    }
}
