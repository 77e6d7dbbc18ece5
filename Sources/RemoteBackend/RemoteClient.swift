import Foundation
import KServe
import Synchronization

/// The remotes of one process, shared by all its detectors: their endpoints, breakers, the choice of the next one,
/// and the KServe v2 calls. Each detector's model holds its own keep-alive connection to each remote
/// (`HTTPConnection`), so calls never wait for one another here.
public final class RemoteClient: Sendable {
    /// The configuration, endpoints normalized (no trailing slash).
    public let configuration: RemoteConfiguration
    /// The endpoints, parsed, in the configuration's order.
    let endpoints: [Endpoint]
    /// What was called and what failed, for /metrics.
    public let statistics: RemoteStatistics
    private let breakers: Mutex<[CircuitBreaker]>
    /// Endpoints whose metadata matched a model already: each is asked once per process, not once per detector.
    private let checked = Mutex<Set<String>>([])
    /// Where the round robin starts next.
    private let next = Atomic<Int>(0)

    /// Clients for `configuration`; throws when an endpoint is not a plain http:// URL, or there is none.
    public init(configuration: RemoteConfiguration) throws(RemoteConfigurationError) {
        var configuration = configuration
        endpoints = try configuration.endpoints.map { (url) throws(RemoteConfigurationError) in try Endpoint(url) }
        configuration.endpoints = endpoints.map(\.url)
        guard !configuration.endpoints.isEmpty else { throw RemoteConfigurationError("no remote endpoint given") }
        guard Set(configuration.endpoints).count == configuration.endpoints.count else {
            throw RemoteConfigurationError("a remote endpoint is given twice")
        }
        guard configuration.timeout > .zero, configuration.firstBackOff > .zero,
            configuration.maximumBackOff >= configuration.firstBackOff
        else { throw RemoteConfigurationError("the remote timeout and back-offs must be positive") }
        self.configuration = configuration
        statistics = RemoteStatistics(endpoints: configuration.endpoints)
        breakers = Mutex(
            configuration.endpoints.map { _ in
                CircuitBreaker(firstBackOff: configuration.firstBackOff, maximumBackOff: configuration.maximumBackOff)
            })
    }

    /// An endpoint whose breaker lets a request through now, round robin; nil when every breaker is open.
    func chooseEndpoint() -> Int? {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        let count = configuration.endpoints.count
        let now = ContinuousClock.now
        return breakers.withLock { breakers in
            for offset in 0..<count {
                let index = (start + offset) % count
                if breakers[index].admit(now: now) { return index }
            }
            return nil
        }
    }

    /// Records a call's outcome on its endpoint's breaker and counters.
    func record(_ endpoint: Int, failure: RemoteFailure?) {
        let name = configuration.endpoints[endpoint]
        breakers.withLock { breakers in
            if failure == nil { breakers[endpoint].succeeded() } else { breakers[endpoint].failed(now: .now) }
            // Under the breakers' lock, so that racing calls leave the gauge as the breaker is.
            statistics.breaker(name, isOpen: breakers[endpoint].isOpen)
        }
        if let failure { statistics.failed(name, failure) } else { statistics.succeeded(name) }
    }

    /// `POST /v2/models/{model}/infer` on `connection` with binary inputs and outputs: `header` is the request's
    /// JSON part and `tensors` its inputs' bytes in the order it lists them. Waits at most the timeout; the
    /// answer, and the worker's own timings when it reports them.
    func infer(header: [UInt8], tensors: [UnsafeRawBufferPointer], model: String, on connection: HTTPConnection)
        -> Result<(InferenceResponse, ServerTiming), RemoteFailure>
    {
        let exchange = header.withUnsafeBytes { header in
            connection.exchange(
                method: "POST", path: "/v2/models/\(Self.pathComponent(model))/infer",
                fields: [
                    ("Content-Type", "application/octet-stream"),
                    ("Inference-Header-Content-Length", "\(header.count)"),
                ], body: [header] + tensors, deadline: .now + configuration.timeout)
        }
        return Self.accepted(exchange).flatMap { response in
            let length = response["inference-header-content-length"].flatMap(Int.init)
            let timing = ServerTiming(headerValue: response["server-timing"] ?? "")
            do throws(KServeError) {
                return .success((try InferenceResponse(body: response.body, headerLength: length), timing))
            } catch {
                return .failure(.malformed(error.message))
            }
        }
    }

    /// Whether `endpoint`'s metadata for `model` was checked already, marking it checked.
    func markChecked(_ endpoint: Int, model: String) -> Bool {
        !checked.withLock { $0.insert("\(model) \(configuration.endpoints[endpoint])").inserted }
    }

    /// `GET /v2/models/{model}` on `endpoint`, on a connection of its own.
    func metadata(model: String, endpoint: Int) -> Result<ModelMetadata, RemoteFailure> {
        let connection = HTTPConnection(endpoint: endpoints[endpoint], maximumBodyBytes: 1 << 20)
        let exchange = connection.exchange(
            method: "GET", path: "/v2/models/\(Self.pathComponent(model))", fields: [], body: [],
            deadline: .now + configuration.timeout)
        return Self.accepted(exchange).flatMap { response in
            do throws(KServeError) { return .success(try ModelMetadata(body: response.body)) } catch {
                return .failure(.malformed(error.message))
            }
        }
    }

    /// The response if its status is 200, else the failure with the body's first bytes.
    private static func accepted(_ exchange: Result<HTTPResponse, RemoteFailure>) -> Result<
        HTTPResponse, RemoteFailure
    > {
        exchange.flatMap { response in
            guard response.status == 200 else {
                return .failure(
                    .status(response.status, String(decoding: response.body.prefix(200), as: UTF8.self)))
            }
            return .success(response)
        }
    }

    private static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? name
    }
}
