import HTTPTypes
import Hummingbird
import Inference
import NIOCore

extension InferenceServer {
    /// Each route and the methods it answers: the one table that registers them and fills 405's `Allow`.
    static var routes: [(path: String, methods: [HTTPRequest.Method])] {
        [("/ping", [.get, .head]), ("/invocations", [.post]), ("/metrics", [.get, .head])]
    }

    /// The routes, behind a middleware that makes every error JSON (404, 405 and Hummingbird's own).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: Self.routes))
        router.get("/ping") { _, _ in ping(head: false) }
        router.head("/ping") { _, _ in ping(head: true) }
        router.post("/invocations") { request, context -> Response in
            await invocation(request, context: context)
        }
        router.get("/metrics") { _, _ in metricsResponse(head: false) }
        router.head("/metrics") { _, _ in metricsResponse(head: true) }
        return router
    }

    /// Answered from memory, never behind inference work.
    func ping(head: Bool) -> Response {
        guard state.current != nil else { return InferenceError.notReady.response }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: head ? .init() : .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ready\"}")))
    }

    func metricsResponse(head: Bool) -> Response {
        let text =
            head ? "" : metrics.text(ready: state.current != nil, waiting: admission.waiting) + additionalMetrics()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

}

/// Turns the router's 404 into a JSON 404, or a 405 with `Allow` where the path exists with other methods, and
/// any other `HTTPError` into the same JSON shape as the handler's errors.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [(path: String, methods: [HTTPRequest.Method])]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound, let route = routes.first(where: { $0.path == request.uri.path }) {
                let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
                var response = InferenceError(
                    status: 405, code: "method_not_allowed",
                    message: "\(request.method) \(route.path) is not served; use \(allowed)"
                ).response
                response.headers[.allow] = allowed
                return response
            }
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let message =
                error.status == .notFound
                ? "no route \(request.uri.path); routes: \(routes.map(\.path).joined(separator: ", "))"
                : error.body ?? error.status.reasonPhrase
            return InferenceError(status: error.status.code, code: code, message: message).response
        }
    }
}
