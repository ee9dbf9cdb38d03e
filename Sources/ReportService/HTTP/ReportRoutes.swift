import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// Every HTTP route of SPEC.md's report-service table.
public struct ReportRoutes: Sendable {
    let store: ReportStore
    let broadcaster: EventBroadcaster
    let registry: PrometheusCollectorRegistry
    let metrics: ReportMetrics
    let isReady: @Sendable () -> Bool

    public init(store: ReportStore, broadcaster: EventBroadcaster, registry: PrometheusCollectorRegistry,
                metrics: ReportMetrics, isReady: @escaping @Sendable () -> Bool) {
        self.store = store
        self.broadcaster = broadcaster
        self.registry = registry
        self.metrics = metrics
        self.isReady = isReady
    }

    /// Stored events a resuming stream reads at a time while it catches up.
    static let backlogPage = 1_000

    public func register(on router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in json(.ok, ["status": "ok"]) }
        router.get("/ready") { _, _ in
            isReady() ? json(.ok, ["status": "ready"]) : json(.serviceUnavailable, ["status": "waiting for partition assignment"])
        }
        router.get("/api/v1/reported-events") { request, _ in
            let query = request.uri.queryParameters
            var limit: Int?
            if let raw = query["limit"] {
                guard let value = Int(raw), value > 0 else { return json(.badRequest, ["error": "limit must be a positive integer"]) }
                limit = value
            }
            var after: Int64?
            if let raw = query["after"] {
                guard let value = Int64(raw), value >= 0 else { return json(.badRequest, ["error": "after must be a non-negative integer"]) }
                after = value
            }
            let type = query["type"].map(String.init)
            if let type, !IncomingEvent.eventTypes.contains(type) {
                return json(.badRequest, ["error": "type must be one of \(IncomingEvent.eventTypes.sorted().joined(separator: ", "))"])
            }
            return try encoded(.ok, try await store.events(type: type, after: after, limit: limit))
        }
        router.get("/api/v1/report") { _, _ in try encoded(.ok, try await store.summary()) }
        router.get("/api/v1/report.md") { _, _ in
            let summary = try await store.summary(), events = try await store.events()
            return text(.ok, ReportPages.markdown(summary: summary, events: events), type: "text/markdown; charset=utf-8")
        }
        router.get("/api/v1/report/html") { _, _ in
            text(.ok, ReportPages.htmlReport(events: try await store.events()), type: "text/html; charset=utf-8")
        }
        router.post("/api/v1/report-event") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            switch IncomingEvent.parse(Array(body.readableBytesView)) {
            case .failure(let rejection):
                return json(.badRequest, ["error": rejection.reason])
            case .success(var event):
                event.eventId = event.eventId ?? UUID().uuidString.lowercased()
                if let stored = try await store.insert(event, from: nil) {
                    metrics.stored.increment()
                    broadcaster.publish(stored)
                    return try encoded(.created, stored)
                }
                metrics.duplicates.increment()
                return json(.ok, ["status": "duplicate", "EventId": event.eventId ?? ""])
            }
        }
        router.get("/api/v1/events/stream") { request, _ in
            // A reconnecting EventSource names the last id it got (Last-Event-ID); a page that
            // just loaded the list names its newest (?after=). Either way the stream starts with
            // what was stored since, so nothing falls into the gap.
            var resumeAfter: Int64?
            let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
            if let raw = lastEventID ?? request.uri.queryParameters["after"].map(String.init) {
                guard let value = Int64(raw), value >= 0 else {
                    return json(.badRequest, ["error": "Last-Event-ID and after must be a non-negative integer"])
                }
                resumeAfter = value
            }
            // Subscribe before reading the backlog: an event stored in between is in one or both.
            let events = broadcaster.subscribe()
            let resume = resumeAfter
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    // A comment first, so clients see the stream open at once.
                    try await writer.write(ByteBuffer(string: ": connected\n\n"))
                    func send(_ event: StoredEvent) async throws {
                        let data = String(decoding: (try? encoder.encode(event)) ?? Data(), as: UTF8.self)
                        try await writer.write(ByteBuffer(string: "id: \(event.id)\nevent: reported-event\ndata: \(data)\n\n"))
                    }
                    // The backlog, a page at a time; live events it already held are skipped
                    // by id (live events need not arrive in id order, so no "last id" rule).
                    var replayed = ReplayedEvents(capacity: 2 * EventBroadcaster.liveBuffer)
                    if var after = resume {
                        while true {
                            let page = try await store.events(after: after, limit: Self.backlogPage)
                            for event in page {
                                try await send(event)
                                replayed.replayed(event.id)
                            }
                            guard let last = page.last, page.count == Self.backlogPage else { break }
                            after = last.id
                        }
                    }
                    for await event in events where !replayed.isDuplicate(event.id) { try await send(event) }
                    try await writer.finish(nil)
                })
        }
        router.get("/") { _, _ in text(.ok, ReportPages.dashboard, type: "text/html; charset=utf-8") }
        router.get("/metrics") { _, _ in text(.ok, registry.emitToString(), type: "text/plain; version=0.0.4; charset=utf-8") }
        router.get("/openapi.json") { _, _ in text(.ok, OpenAPIDocument.json, type: "application/json") }
    }
}

func json(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
    (try? encoded(status, body)) ?? Response(status: .internalServerError)
}

func encoded(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Response(status: status, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

func text(_ status: HTTPResponse.Status, _ body: String, type: String) -> Response {
    Response(status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}
