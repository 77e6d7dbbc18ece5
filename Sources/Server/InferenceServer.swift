import Engine
import HTTPTypes
import Hummingbird
import Inference
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP front of an `InferenceHandler`, following SageMaker's container contract: `GET /ping` (200 once the
/// model is loaded and warmed, 503 before) and `POST /invocations`; plus `GET /metrics` (Prometheus).
public struct InferenceServer<Handler: InferenceHandler>: Sendable {
    public let handler: Handler
    public let configuration: ServerConfiguration
    public let logger: Logger
    /// Shared with the routes; public so that tests and embedders can wait for readiness.
    public let state = ModelState<Handler.Model>()
    public let metrics = ServerMetrics()

    public init(handler: Handler, configuration: ServerConfiguration, logger: Logger) {
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
    }

    /// The application: routes, and the service that loads the model.
    public func application() -> some ApplicationProtocol {
        var application = Application(router: router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                serverName: "ssd-detect"), logger: logger)
        application.addServices(ModelLoader(handler: handler, directory: configuration.modelDirectory, state: state,
            logger: logger))
        return application
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets in-flight requests finish (up
    /// to the grace period) before returning.
    public func run() async throws {
        var group = ServiceGroupConfiguration(services: [application()], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = configuration.gracePeriod
        try await ServiceGroup(configuration: group).run()
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/ping") { _, _ -> Response in
            guard state.current != nil else { return Self.errorResponse(.notReady, requestID: nil) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ready\"}")))
        }
        router.post("/invocations") { request, context -> Response in
            await invocation(request, context: context)
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.text(ready: state.current != nil))))
        }
        return router
    }

    func invocation(_ request: Request, context: BasicRequestContext) async -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let requestID = request.headers[.requestID] ?? request.headers[.amazonRequestID] ?? Self.newRequestID()
        metrics.begin()
        var logger = context.logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        let response: Response
        do throws(InferenceError) {
            response = try await respond(to: request, requestID: requestID)
        } catch {
            response = Self.errorResponse(error, requestID: requestID)
        }
        let milliseconds = (clock.now - start).milliseconds
        metrics.end(status: Int(response.status.code), seconds: milliseconds / 1000)
        let metadata: Logger.Metadata = ["status": "\(response.status.code)", "ms": "\((milliseconds * 10).rounded() / 10)"]
        if response.status.code >= 500 {
            logger.warning("invocation failed", metadata: metadata)
        } else {
            logger.info("invocation", metadata: metadata)
        }
        return response
    }

    private func respond(to request: Request, requestID: String) async throws(InferenceError) -> Response {
        guard let model = state.current else { throw .notReady }
        let limit = configuration.maximumBodyBytes
        // Refuse a declared oversized body before reading any of it.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw .payloadTooLarge(limit: limit)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .payloadTooLarge(limit: limit)
        } catch {
            throw .badRequest("unreadable_body", "cannot read the request body: \(error)")
        }
        let (bytes, contentType) = try await handler.transform(body: Array(buffer: body),
            contentType: request.headers[.contentType], accept: request.headers[.accept], model: model)
        return Response(status: .ok, headers: [.contentType: contentType, .requestID: requestID],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func errorResponse(_ error: InferenceError, requestID: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let requestID { headers[.requestID] = requestID }
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: .init(code: error.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: error.jsonBody)))
    }

    /// A random 16-hex-digit id, when the client sent none.
    static func newRequestID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    /// The request id echoed in responses and logged with each request.
    static var requestID: Self { Self("X-Request-Id")! }
    /// The id SageMaker puts on requests it forwards.
    static var amazonRequestID: Self { Self("X-Amzn-RequestId")! }
}
