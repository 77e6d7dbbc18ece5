import HTTPTypes
import Hummingbird
import Inference
import KServe
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The HTTP front of a `TensorModel`, speaking the Open Inference Protocol (KServe v2) over REST, as Triton and
/// KServe do: health, server and model metadata, and inference with JSON tensors or the binary tensor data
/// extension (`Inference-Header-Content-Length`). `ssd-detect worker` serves a network with it, for front ends
/// whose remote backend borrows this host's accelerator.
///
/// It keeps every bound the SageMaker server keeps (`ServerConfiguration`): inference requests are admitted as
/// `/invocations` are, health and metadata always answer from memory.
public struct KServeServer<Model: TensorModel>: Sendable {
    /// Where it listens and every bound it keeps.
    public let configuration: ServerConfiguration
    /// Where the server's and the requests' lines go.
    public let logger: Logger
    /// The loaded model, nil while it loads; public so that tests and embedders can wait for readiness.
    public let state: ModelState<Model>
    /// The counts and latencies /metrics reports (inference requests as `ssd_invocations_*`).
    public let metrics: ServerMetrics
    /// What a request may carry.
    public let limits: InferenceRequest.Limits
    let foundation: ServerFoundation<Model>

    /// A server for the model `load` returns (called once, as the server starts).
    public init(
        configuration: ServerConfiguration, logger: Logger, limits: InferenceRequest.Limits = .init(),
        load: @escaping @Sendable () async throws(InferenceError) -> Model
    ) {
        self.configuration = configuration
        self.logger = logger
        self.limits = limits
        let (state, metrics) = (ModelState<Model>(), ServerMetrics())
        self.state = state
        self.metrics = metrics
        foundation = ServerFoundation(
            configuration: configuration, logger: logger, state: state, metrics: metrics, load: load,
            isInvocation: { head in
                guard head.method == .post, let path = head.path?.split(separator: "?").first else { return false }
                return path.hasPrefix("/v2/models/") && path.hasSuffix("/infer")
            })
    }

    /// Serves until SIGTERM or SIGINT, then drains as `InferenceServer.run()` does.
    public func run() async throws -> DrainReport {
        try await serviceGroup(signals: [.sigterm, .sigint]).run()
        return DrainReport(cutOffInvocations: metrics.cutOffInvocations)
    }

    /// The application in a service group that drains on `signals` (or on `triggerGracefulShutdown()`).
    public func serviceGroup(
        signals: [UnixSignal], onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> ServiceGroup {
        foundation.serviceGroup(router: router(), signals: signals, onServerRunning: onServerRunning)
    }

    /// The application alone (for in-process tests).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        foundation.application(router: router(), gate: AcceptGate(), onServerRunning: onServerRunning)
    }

    /// Each route and the methods it answers, for 405's `Allow` and 404's list (NAME: the model's name).
    static var routes: [(path: String, methods: [HTTPRequest.Method])] {
        [
            ("/v2", [.get]), ("/v2/health/live", [.get]), ("/v2/health/ready", [.get]), ("/v2/models/NAME", [.get]),
            ("/v2/models/NAME/ready", [.get]), ("/v2/models/NAME/infer", [.post]), ("/metrics", [.get]),
        ]
    }

    /// The protocol's routes, behind the middleware that makes every error JSON.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: Self.routes))
        router.get("/v2") { _, _ in
            json(#"{"name":"ssd-detect","version":"1","extensions":["binary_tensor_data"]}"#)
        }
        router.get("/v2/health/live") { _, _ in json(#"{"live":true}"#) }
        router.get("/v2/health/ready") { _, _ in readiness() }
        router.get("/v2/models/:name") { _, context in metadata(context) }
        router.get("/v2/models/:name/versions/:version") { _, context in metadata(context) }
        router.get("/v2/models/:name/ready") { _, context in modelReadiness(context) }
        router.get("/v2/models/:name/versions/:version/ready") { _, context in modelReadiness(context) }
        router.post("/v2/models/:name/infer") { request, context in await infer(request, context: context) }
        router.post("/v2/models/:name/versions/:version/infer") { request, context in
            await infer(request, context: context)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: metrics.text(ready: state.current != nil, waiting: foundation.admission.waiting))))
        }
        return router
    }

    /// 200 once the model is loaded; the protocol's "false" (a 4xx status) while it loads.
    func readiness() -> Response {
        state.current != nil ? json(#"{"ready":true}"#) : error(KServeError(status: 400, "the model is loading"))
    }

    func modelReadiness(_ context: BasicRequestContext) -> Response {
        do throws(KServeError) {
            _ = try model(named: context)
            return json(#"{"ready":true}"#)
        } catch {
            return self.error(error)
        }
    }

    func metadata(_ context: BasicRequestContext) -> Response {
        do throws(KServeError) {
            let body = try model(named: context).metadata.encoded
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            return self.error(error)
        }
    }

    /// The loaded model, if the path names it: 404 for another name, 400 while it loads.
    func model(named context: BasicRequestContext) throws(KServeError) -> Model {
        guard let model = state.current else { throw KServeError(status: 400, "the model is loading") }
        let name = context.parameters.get("name") ?? ""
        guard name == model.metadata.name else {
            throw KServeError(status: 404, "no model '\(name)'; this server serves '\(model.metadata.name)'")
        }
        if let version = context.parameters.get("version"), version != "1" {
            throw KServeError(status: 404, "model '\(name)' has no version '\(version)'; it has version 1")
        }
        return model
    }

    func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func error(_ error: KServeError) -> Response {
        Response(
            status: .init(code: error.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
