import KafkaProtocol
import Logging
import NIOCore

/// Serves one client connection: requests are handled concurrently (a slow fetch does not
/// hold up a produce behind it) but answered strictly in request order; produce and
/// commit requests write in request order, and every other request sees the writes sent
/// before it (`WriteOrder`), as Kafka clients require. At most
/// `maximumInFlight` requests, holding at most `maximumInFlightBytes` of request frames,
/// are pending at once. Past either limit the connection is not read, so
/// TCP pushes back on the client.
struct KafkaConnection {
    let channel: NIOAsyncChannel<ByteBuffer, KafkaResponseFrame>
    let context: ConnectionContext
    let handler: any KafkaRequestHandler
    let maximumInFlight: Int
    let maximumInFlightBytes: Int
    let logger: Logger

    /// Serves the connection until it closes, with its tasks on the event loop that owns
    /// its socket (`EventLoopTaskExecutor`).
    func run() async {
        let executor = EventLoopTaskExecutor(channel.channel.eventLoop)
        await withTaskExecutorPreference(executor) { await serve(executor: executor) }
    }

    private func serve(executor: EventLoopTaskExecutor) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                let permits = AsyncSemaphore(permits: maximumInFlight)
                let bytes = AsyncSemaphore(permits: maximumInFlightBytes)
                let writeOrder = WriteOrder()
                // The task group's children inherit the connection's executor; request tasks
                // are unstructured, so they are given it.
                let (queue, queueContinuation) = AsyncStream<(Task<RequestOutcome, Never>, bytes: Int)>.makeStream()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Writer: answers in the order requests arrived.
                        for await (pending, held) in queue {
                            let outcome = await pending.value
                            permits.release()
                            bytes.release(held)
                            switch outcome {
                            case let .respond(frame):
                                try await outbound.write(frame)
                            case .noResponse:
                                continue
                            case let .close(reason):
                                logger.info("closing connection: \(reason)", metadata: ["client": "\(context.remoteAddress)"])
                                throw ConnectionClosed()
                            }
                        }
                    }
                    group.addTask {
                        // Reader: starts each request as soon as it arrives.
                        defer { queueContinuation.finish() }
                        do {
                            for try await frame in inbound {
                                // Throws when the writer failed (the client went away) and
                                // cancelled this reader while it waited for room.
                                try await permits.acquire()
                                let held = try await bytes.acquire(frame.readableBytes)
                                var context = context
                                let api = Self.apiKey(of: frame)
                                if Self.writesInTurn(api) {
                                    context.writeTurn = writeOrder.nextTurn()
                                } else {
                                    context.earlierWrites = writeOrder.barrier()
                                }
                                let handler = handler, request = context
                                queueContinuation.yield((Task(executorPreference: executor) {
                                    defer { request.writeTurn?.finish() }
                                    await request.earlierWrites?.wait()
                                    return await handler.handle(frame: frame, connection: request)
                                }, held))
                            }
                        } catch {
                            logger.debug("connection read ended: \(error)", metadata: ["client": "\(context.remoteAddress)"])
                        }
                    }
                    do {
                        // The reader ends at EOF and the writer then drains; a writer error
                        // (or a deliberate close) must stop the reader too.
                        while try await group.next() != nil {}
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                }
            }
        } catch is ConnectionClosed {
            // Deliberate close after a malformed request.
        } catch {
            logger.debug("connection closed: \(error)", metadata: ["client": "\(context.remoteAddress)"])
        }
    }

    private struct ConnectionClosed: Error {}

    /// A frame starts with its API key; nil for one this broker does not know.
    private static func apiKey(of frame: ByteBuffer) -> ApiKey? {
        frame.getInteger(at: frame.readerIndex, as: Int16.self).flatMap(ApiKey.init(rawValue:))
    }

    /// Whether a request of this API writes in a turn (see `WriteOrder`).
    private static func writesInTurn(_ api: ApiKey?) -> Bool {
        switch api {
        case .produce, .offsetCommit, .leaveGroup: true
        default: false
        }
    }
}
