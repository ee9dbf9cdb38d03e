import Hummingbird
import Logging

/// Every error becomes the OpenAPI document's `Error` shape, `{"error": "…"}`: a route's own
/// 4xx, Hummingbird's 404 and 413, and anything unexpected, which is also logged (at the
/// default level it would otherwise leave no trace) and answered 500 without internals.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return json(error.status, ["error": error.body ?? error.status.reasonPhrase])
        } catch let error as any HTTPResponseError {
            return json(error.status, ["error": error.status.reasonPhrase])
        } catch {
            logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return json(.internalServerError, ["error": "internal error; see the service's log"])
        }
    }
}
