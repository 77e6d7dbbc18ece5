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
    public let state: ModelState<Handler.Model>
    /// The counts and latencies /metrics reports.
    public let metrics: ServerMetrics
    /// More series for /metrics, appended to the server's own (e.g. the remote backend's).
    let additionalMetrics: @Sendable () -> String
    let foundation: ServerFoundation<Handler.Model>
    var admission: Admission { foundation.admission }

    /// A server for `handler`; nothing listens until `run()` or the application is started. `additionalMetrics`
    /// adds series of the caller's to /metrics.
    public init(
        handler: Handler, configuration: ServerConfiguration, logger: Logger,
        additionalMetrics: @escaping @Sendable () -> String = { "" }
    ) {
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
        self.additionalMetrics = additionalMetrics
        let directory = configuration.modelDirectory
        let (state, metrics) = (ModelState<Handler.Model>(), ServerMetrics())
        self.state = state
        self.metrics = metrics
        foundation = ServerFoundation(
            configuration: configuration, logger: logger, state: state, metrics: metrics,
            load: { () throws(InferenceError) in try await handler.modelFn(modelDirectory: directory) },
            isInvocation: { $0.method == .post && $0.path?.split(separator: "?").first == "/invocations" })
    }

    /// The application: routes, connection bounds, and the service that loads the model. `onServerRunning` is
    /// called with the listening channel (its local address tells the port when the configuration gave 0).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        foundation.application(router: router(), gate: AcceptGate(), onServerRunning: onServerRunning)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets in-flight requests finish (up
    /// to the grace period) before returning what the grace period cut off.
    public func run() async throws -> DrainReport {
        try await serviceGroup(signals: [.sigterm, .sigint]).run()
        return DrainReport(cutOffInvocations: metrics.cutOffInvocations)
    }

    /// The application in a service group that drains on `signals` (or on `triggerGracefulShutdown()`) for at
    /// most the grace period.
    public func serviceGroup(
        signals: [UnixSignal],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> ServiceGroup {
        foundation.serviceGroup(router: router(), signals: signals, onServerRunning: onServerRunning)
    }
}
