import HTTPTypes
import Hummingbird
import HummingbirdCore
import Inference
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// What every server here shares, whatever protocol its routes speak (SageMaker's, KServe v2): the bounds of
/// `ServerConfiguration` on connections, heads, bodies and time; the admission of inference requests, which wait
/// in line unread when the server is full; the model loaded in the background while readiness says 503; metrics;
/// and the drain on SIGTERM.
struct ServerFoundation<Model: Sendable>: Sendable {
    let configuration: ServerConfiguration
    let logger: Logger
    let state: ModelState<Model>
    let metrics: ServerMetrics
    let admission: Admission
    /// Loads the model, once, as the server starts.
    let load: @Sendable () async throws(InferenceError) -> Model
    /// Whether a request head is an inference request (admitted, counted); others (health, metadata) always go on.
    let isInvocation: @Sendable (HTTPRequest) -> Bool

    init(
        configuration: ServerConfiguration, logger: Logger, state: ModelState<Model>, metrics: ServerMetrics,
        load: @escaping @Sendable () async throws(InferenceError) -> Model,
        isInvocation: @escaping @Sendable (HTTPRequest) -> Bool
    ) {
        self.configuration = configuration
        self.logger = logger
        self.state = state
        self.metrics = metrics
        self.load = load
        self.isInvocation = isInvocation
        admission = Admission(capacity: configuration.maximumInvocations)
    }

    /// The application: `router`, the connection bounds, and the service that loads the model.
    func application(
        router: Router<BasicRequestContext>, gate: AcceptGate,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let timeouts = ConnectionGuard.Timeouts(
            header: .init(configuration.headerTimeout),
            body: .init(configuration.bodyTimeout), keepAlive: .init(configuration.keepAliveTimeout),
            drainLinger: .init(configuration.drainLinger))
        let headerBytes = configuration.maximumHeaderBytes
        let invocations = InvocationAdmission(
            admission: admission, metrics: metrics, isInvocation: isInvocation,
            isReady: { [state] in state.current != nil }, wait: .init(configuration.admissionWait))
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ConnectionGuard(
                    timeouts: timeouts, maximumBodyBytes: configuration.maximumBodyBytes, admission: invocations)
            ],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: headerBytes, maxHeaderListSize: headerBytes,
                maxHeaderFieldCount: 100))
        var application = Application(
            router: router, server: .droppableHTTP1(configuration: http1),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "ssd-detect",
                availableConnectionsDelegate: ConnectionLimit(maximum: configuration.maximumConnections, gate: gate)),
            onServerRunning: { channel in
                gate.attach(channel)
                await onServerRunning(channel)
            }, logger: logger)
        application.addServices(
            ModelLoader(load: load, directory: configuration.modelDirectory, state: state, logger: logger))
        return application
    }

    /// `router`'s application in a service group that drains on `signals` (or on `triggerGracefulShutdown()`) for
    /// at most the grace period.
    func serviceGroup(
        router: Router<BasicRequestContext>, signals: [UnixSignal],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> ServiceGroup {
        // Shut down in reverse order: the gate stops accepting connections first, then the application drains.
        let gate = AcceptGate()
        var group = ServiceGroupConfiguration(
            services: [application(router: router, gate: gate, onServerRunning: onServerRunning), gate],
            gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.gracePeriod
        return ServiceGroup(configuration: group)
    }

    /// Runs `body` on an admitted inference request's whole body and the loaded model: 503 while the model loads
    /// or when no reading place is left, 413 for a body over the limit; `bodyRead` says whether it was read.
    /// The buffer is handed over (`consuming`), so that it can be freed as soon as `body` has copied it.
    func admitted<T>(
        _ request: Request, bodyRead: inout Bool,
        _ body: (consuming ByteBuffer, Model) async throws(InferenceError) -> T
    ) async throws(InferenceError) -> T {
        guard let model = state.current else { throw .notReady }
        guard admission.tryStartReading() else { throw .overloaded() }
        let bytes: ByteBuffer
        do {
            bytes = try await readBody(of: request)
        } catch {
            admission.finishReading()
            throw error
        }
        bodyRead = true
        guard await admission.enter() else { throw .shuttingDown }
        defer { admission.leave() }
        return try await body(consume bytes, model)
    }

    /// The whole body, or 413 when it is (or declares to be) over the limit.
    private func readBody(of request: Request) async throws(InferenceError) -> ByteBuffer {
        let limit = configuration.maximumBodyBytes
        // Refuse a declared oversized body before reading any of it.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw .payloadTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .payloadTooLarge(limit: limit)
        } catch {
            throw .badRequest("unreadable_body", "cannot read the request body: \(error)")
        }
    }

    /// Whether an error's response must close the connection: an unread body is discarded before the next request
    /// on it, fine while declared and within the limit; anything else (chunked, oversized, partly read) closes it.
    func closesConnection(after error: InferenceError, request: Request, bodyRead: Bool) -> Bool {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        return error == .payloadTooLarge(limit: configuration.maximumBodyBytes)
            || (!bodyRead && (declared ?? .max) > configuration.maximumBodyBytes)
    }
}
