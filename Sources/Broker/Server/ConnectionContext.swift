import NIOCore

/// What a request handler knows about the connection a request came in on.
public struct ConnectionContext: Sendable {
    /// A number unique within this broker process.
    public var id: UInt64
    /// The client's address, for logs.
    public var remoteAddress: String
    /// Which of the broker's listeners it came in on (`KafkaServer.Configuration.listener`).
    public var listener = 0
    /// A Produce, OffsetCommit or LeaveGroup request's place in the connection's order of
    /// writes; nil for other requests.
    public var writeTurn: WriteTurn?
    /// For any other request, the writes that arrived before it on the connection and are not
    /// finished yet; the connection waits for them before handling it (see `WriteOrder`).
    public var earlierWrites: WriteBarrier?
}

/// Handles one request frame (everything after the size prefix) and says what to answer.
public protocol KafkaRequestHandler: Sendable {
    func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome
}
