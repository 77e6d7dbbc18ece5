import Hummingbird
import HummingbirdCore
import Inference
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The HTTP front of an `InferenceHandler`, following SageMaker's container contract: `GET /ping` (200 once the
/// model is loaded and warmed, 503 before) and `POST /invocations`; plus `GET /metrics` (Prometheus).
///
/// Every resource a client can make it spend is bounded (`ServerConfiguration`): connections, the time each may
/// take to send its request, header and body sizes, and invocations in flight: past them a request waits in line,
/// its body unread, for at most `admissionWait`, then gets 503.
public struct InferenceServer<Handler: InferenceHandler>: Sendable {
    /// The four functions that answer /invocations.
    public let handler: Handler
    /// Where it listens and every bound it keeps.
    public let configuration: ServerConfiguration
    /// Where the server's and the requests' lines go.
    public let logger: Logger
    /// Shared with the routes; public so that tests and embedders can wait for readiness.
    public let state = ModelState<Handler.Model>()
    /// The counts and latencies /metrics reports.
    public let metrics = ServerMetrics()
    let admission: Admission

    /// A server for `handler`; nothing listens until `run()` or the application is started.
    public init(handler: Handler, configuration: ServerConfiguration, logger: Logger) {
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
        admission = Admission(capacity: configuration.maximumInvocations)
    }

    /// What a shutdown left behind.
    public struct ShutdownReport: Sendable {
        /// Invocations that the grace period cut off: their answers may never have reached the client.
        public var cutOffInvocations: Int
    }

    /// The application: routes, connection bounds, and the service that loads the model. `onServerRunning` is
    /// called with the listening channel (its local address tells the port when the configuration gave 0).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        application(gate: AcceptGate(), onServerRunning: onServerRunning)
    }

    func application(gate: AcceptGate, onServerRunning: @escaping @Sendable (any Channel) async -> Void)
        -> some ApplicationProtocol
    {
        let timeouts = ConnectionGuard.Timeouts(
            header: .init(configuration.headerTimeout),
            body: .init(configuration.bodyTimeout), keepAlive: .init(configuration.keepAliveTimeout),
            drainLinger: .init(configuration.drainLinger))
        let headerBytes = configuration.maximumHeaderBytes
        let invocations = InvocationAdmission(
            admission: admission, metrics: metrics,
            isReady: { [state] in state.current != nil }, wait: .init(configuration.admissionWait))
        let bodyLimit = configuration.maximumBodyBytes
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ConnectionGuard(timeouts: timeouts, maximumBodyBytes: bodyLimit, admission: invocations)
            ],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: headerBytes, maxHeaderListSize: headerBytes,
                maxHeaderFieldCount: 100))
        var application = Application(
            router: router(), server: .http1(configuration: http1),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "ssd-detect",
                availableConnectionsDelegate: ConnectionLimit(maximum: configuration.maximumConnections, gate: gate)),
            onServerRunning: { channel in
                gate.attach(channel)
                await onServerRunning(channel)
            }, logger: logger)
        application.addServices(
            ModelLoader(
                handler: handler, directory: configuration.modelDirectory, state: state,
                logger: logger))
        return application
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets in-flight requests finish (up
    /// to the grace period) before returning what the grace period cut off.
    public func run() async throws -> ShutdownReport {
        try await serviceGroup(signals: [.sigterm, .sigint]).run()
        return ShutdownReport(cutOffInvocations: metrics.cutOffInvocations)
    }

    /// The application in a service group that drains on `signals` (or on `triggerGracefulShutdown()`) for at
    /// most the grace period.
    public func serviceGroup(
        signals: [UnixSignal],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> ServiceGroup {
        // Shut down in reverse order: the gate stops accepting connections first, then the application drains.
        let gate = AcceptGate()
        var group = ServiceGroupConfiguration(
            services: [application(gate: gate, onServerRunning: onServerRunning), gate],
            gracefulShutdownSignals: signals, logger: logger)
        group.maximumGracefulShutdownDuration = configuration.gracePeriod
        return ServiceGroup(configuration: group)
    }
}
