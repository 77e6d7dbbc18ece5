import AsyncHTTPClient
import Foundation
import KServe
import NIOCore
import NIOHTTP1
import Synchronization

/// The remotes of one process, shared by all its detectors: their breakers, the choice of the next one, and the
/// KServe v2 calls, over one AsyncHTTPClient for the process (persistent connections, pooled per host).
public final class RemoteClient: Sendable {
    /// The configuration, endpoints normalized (no trailing slash).
    public let configuration: RemoteConfiguration
    /// What was called and what failed, for /metrics.
    public let statistics: RemoteStatistics
    private let breakers: Mutex<[CircuitBreaker]>
    /// Endpoints whose metadata matched a model already: each is asked once per process, not once per detector.
    private let checked = Mutex<Set<String>>([])
    /// Where the round robin starts next.
    private let next = Atomic<Int>(0)

    /// The process's HTTP client, never shut down (it lives as long as the process). A refused connection fails at
    /// once rather than being retried until the deadline, as AsyncHTTPClient does by default: the breaker and the
    /// local fallback are the retry here, and a request should not wait out a timeout for a worker that is gone.
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        // Enough pooled connections for every detector of a large front end to keep one to each remote.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Clients for `configuration`; throws when an endpoint is not an http(s) URL or there is none.
    public init(configuration: RemoteConfiguration) throws(RemoteConfigurationError) {
        var configuration = configuration
        configuration.endpoints = try configuration.endpoints.map { (endpoint) throws(RemoteConfigurationError) in
            var url = endpoint
            while url.hasSuffix("/") { url.removeLast() }
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), let parsed = URL(string: url),
                parsed.host != nil, url.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"\"\\<>{}|^`".contains($0) })
            else {
                throw RemoteConfigurationError("remote endpoint '\(endpoint)' is not an http:// or https:// URL")
            }
            // Endpoints appear in logs and metric labels: no credentials in them.
            guard parsed.user == nil, parsed.password == nil else {
                throw RemoteConfigurationError("remote endpoint '\(endpoint)' has credentials; they are not supported")
            }
            return url
        }
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

    /// `POST /v2/models/{model}/infer` on `endpoint` with binary inputs and outputs, waiting at most the timeout;
    /// the answer, and the worker's own timings when it reports them.
    func infer(_ request: InferenceRequest, model: String, endpoint: Int, maximumResponseBytes: Int)
        -> Result<(InferenceResponse, ServerTiming), RemoteFailure>
    {
        let (body, headerLength) = request.encoded()
        let url = "\(configuration.endpoints[endpoint])/v2/models/\(Self.pathComponent(model))/infer"
        let answer = call(
            url: url, method: .POST,
            headers: [
                ("Content-Type", "application/octet-stream"), ("Inference-Header-Content-Length", "\(headerLength)"),
            ], body: body, maximumResponseBytes: maximumResponseBytes)
        return answer.flatMap { (bytes, headers) in
            let length = headers.first(name: "Inference-Header-Content-Length").flatMap(Int.init)
            let timing = ServerTiming(headerValue: headers[canonicalForm: "Server-Timing"].joined(separator: ","))
            do throws(KServeError) {
                return .success((try InferenceResponse(body: bytes, headerLength: length), timing))
            } catch {
                return .failure(.malformed(error.message))
            }
        }
    }

    /// Whether `endpoint`'s metadata for `model` was checked already, marking it checked.
    func markChecked(_ endpoint: Int, model: String) -> Bool {
        !checked.withLock { $0.insert("\(model) \(configuration.endpoints[endpoint])").inserted }
    }

    /// `GET /v2/models/{model}` on `endpoint`.
    func metadata(model: String, endpoint: Int) -> Result<ModelMetadata, RemoteFailure> {
        let url = "\(configuration.endpoints[endpoint])/v2/models/\(Self.pathComponent(model))"
        return call(url: url, method: .GET, headers: [], body: nil, maximumResponseBytes: 1 << 20).flatMap { bytes, _ in
            do throws(KServeError) { return .success(try ModelMetadata(body: bytes)) } catch {
                return .failure(.malformed(error.message))
            }
        }
    }

    /// One HTTP exchange, blocking the calling thread (a detector's own, never an event loop) until the answer or
    /// the timeout.
    private func call(
        url: String, method: HTTPMethod, headers: [(String, String)], body: [UInt8]?, maximumResponseBytes: Int
    ) -> Result<([UInt8], HTTPHeaders), RemoteFailure> {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: method, headers: HTTPHeaders(headers), body: body.map { .bytes($0) })
        } catch {
            return .failure(.connection("bad URL \(url): \(error)"))
        }
        let delegate = ResponseAccumulator(request: request, maxBodySize: maximumResponseBytes)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(configuration.timeout.nanoseconds))
        let response: HTTPClient.Response
        do {
            response = try Self.http.execute(request: request, delegate: delegate, deadline: deadline).wait()
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error)
        {
            return .failure(.timeout)
        } catch is ResponseAccumulator.ResponseTooBigError {
            return .failure(.malformed("the answer exceeds \(maximumResponseBytes) bytes"))
        } catch {
            return .failure(.connection("\(error)"))
        }
        let bytes = response.body.map { Array(buffer: $0) } ?? []
        guard response.status == .ok else {
            return .failure(.status(Int(response.status.code), String(decoding: bytes.prefix(200), as: UTF8.self)))
        }
        return .success((bytes, response.headers))
    }

    private static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? name
    }
}
