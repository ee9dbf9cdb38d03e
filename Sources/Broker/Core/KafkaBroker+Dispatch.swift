import KafkaProtocol
import NIOCore

/// A request after its header: what every API handler gets.
struct IncomingRequest {
    let header: RequestHeader
    var body: ByteBuffer
    let connection: ConnectionContext

    var version: Int16 { header.apiVersion }

    /// Decodes the body as `T` at this request's version.
    mutating func decode<T: KafkaMessage>(_ type: T.Type) throws(KafkaProtocolError) -> T {
        try T.decode(from: &body, version: version)
    }
}

extension KafkaBroker: KafkaRequestHandler {
    /// Routes a frame to its API. A frame that cannot be parsed, an unknown API key or an
    /// unsupported version (other than ApiVersions, which answers with the table) closes the
    /// connection, as Kafka does; everything else gets a response with Kafka error codes.
    public func handle(frame: ByteBuffer, connection: ConnectionContext) async -> RequestOutcome {
        guard let peek = RequestHeader.peek(frame) else { return .close(reason: "truncated request header") }
        guard let api = ApiKey(rawValue: peek.apiKey) else { return .close(reason: "unknown API key \(peek.apiKey)") }
        guard api.supportedVersions.contains(peek.apiVersion) else {
            if api == .apiVersions {
                // Too new: a v0 body with UNSUPPORTED_VERSION and the table, so the client retries.
                return respond(correlationId: peek.correlationId, ApiVersionsResponse.supported(errorCode: ErrorCode.unsupportedVersion.rawValue), version: 0)
            }
            return .close(reason: "\(api) v\(peek.apiVersion) is not supported")
        }
        var body = frame
        let header: RequestHeader
        do {
            header = try RequestHeader.decode(from: &body)
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        metrics.countRequest(apiKey: api.rawValue, name: api.description)
        let request = IncomingRequest(header: header, body: body, connection: connection)
        do {
            return try await route(api, request)
        } catch {
            logger.info("closing connection after a malformed \(api) v\(header.apiVersion) request: \(error)",
                        metadata: ["client": "\(connection.remoteAddress)", "client-id": "\(header.clientId ?? "")"])
            return .close(reason: "malformed \(api) request: \(error)")
        }
    }

    /// Admin APIs that create, delete or fsync files run `offloaded`, off the event loops.
    private func route(_ api: ApiKey, _ request: IncomingRequest) async throws(KafkaProtocolError) -> RequestOutcome {
        switch api {
        case .produce: try await handleProduce(request)
        case .fetch: try await handleFetch(request)
        case .listOffsets: try handleListOffsets(request)
        case .metadata: try await handleMetadata(request)
        case .offsetCommit: try await handleOffsetCommit(request)
        case .offsetFetch: try handleOffsetFetch(request)
        case .findCoordinator: try handleFindCoordinator(request)
        case .joinGroup: try await handleJoinGroup(request)
        case .heartbeat: try await handleHeartbeat(request)
        case .leaveGroup: try await handleLeaveGroup(request)
        case .syncGroup: try await handleSyncGroup(request)
        case .describeGroups: try await handleDescribeGroups(request)
        case .listGroups: try await handleListGroups(request)
        case .apiVersions: respond(request, ApiVersionsResponse.supported())
        case .createTopics: try await offloaded { () throws(KafkaProtocolError) in try self.handleCreateTopics(request) }
        case .deleteTopics: try await offloaded { () throws(KafkaProtocolError) in try self.handleDeleteTopics(request) }
        case .deleteRecords: try await offloaded { () throws(KafkaProtocolError) in try self.handleDeleteRecords(request) }
        case .initProducerId: try await offloaded { () throws(KafkaProtocolError) in try self.handleInitProducerId(request) }
        case .describeConfigs: try handleDescribeConfigs(request)
        case .alterConfigs: try await offloaded { () throws(KafkaProtocolError) in try self.handleAlterConfigs(request) }
        case .createPartitions: try await offloaded { () throws(KafkaProtocolError) in try self.handleCreatePartitions(request) }
        case .deleteGroups: try await handleDeleteGroups(request)
        case .incrementalAlterConfigs:
            try await offloaded { () throws(KafkaProtocolError) in try self.handleIncrementalAlterConfigs(request) }
        }
    }

    /// A response frame: correlation id (response header v0), then the body.
    func respond<T: KafkaMessage>(_ request: IncomingRequest, _ message: T) -> RequestOutcome {
        respond(correlationId: request.header.correlationId, message, version: request.version)
    }

    func respond<T: KafkaMessage>(correlationId: Int32, _ message: T, version: Int16) -> RequestOutcome {
        var buffer = ByteBufferAllocator().buffer(capacity: 128)
        buffer.writeInteger(correlationId)
        message.encode(into: &buffer, version: version)
        return .respond(KafkaResponseFrame(buffer))
    }
}
