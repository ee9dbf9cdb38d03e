import Hummingbird
import Logging
import LogStore
import NIOCore
import ServiceLifecycle

/// The admin HTTP endpoint (`--http`): `/health` while the process runs, `/ready` once the
/// Kafka listener is bound and the logs are loaded, `/metrics` in Prometheus text format.
public enum AdminHTTPServer {
    /// Builds the Hummingbird application; run it as a service.
    public static func make(
        host: String, port: Int,
        metrics: BrokerMetrics, store: LogStore,
        isReady: @escaping @Sendable () -> Bool,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health") { _, _ in
            jsonResponse(.ok, #"{"status":"ok"}"#)
        }
        router.get("/ready") { _, _ in
            isReady() ? jsonResponse(.ok, #"{"status":"ready"}"#)
                : jsonResponse(.serviceUnavailable, #"{"status":"starting"}"#)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(store: store))))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "tributaryd"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
