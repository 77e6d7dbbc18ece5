import Foundation
import Synchronization

/// Why an inference ran locally instead of on a remote.
public enum FallbackReason: String, Sendable, CaseIterable {
    /// The remote it was sent to failed.
    case failed
    /// Every remote's breaker was open: none was tried.
    case unavailable
}

/// What the remote backend did, for `/metrics`: calls and failures per endpoint, breakers open, and inferences run
/// locally instead. Shared by every detector of a process.
public final class RemoteStatistics: Sendable {
    struct EndpointCounts {
        var succeeded = 0
        var failedByKind: [String: Int] = [:]
        var breakerOpen = false
    }

    private struct State {
        var endpoints: [String: EndpointCounts] = [:]
        var fallbacks: [FallbackReason: Int] = [:]
        /// The latest remote calls' overheads in seconds, a ring of `overheadWindow`, for quantiles.
        var recentOverheads: [Double] = []
        var overheadCount = 0
        var overheadSum = 0.0
    }

    /// How many of the latest overheads the quantiles are taken over.
    static let overheadWindow = 1024

    private let state = Mutex(State())

    /// Counts starting at zero for each of `endpoints`.
    public init(endpoints: [String]) {
        state.withLock { state in
            for endpoint in endpoints { state.endpoints[endpoint] = EndpointCounts() }
        }
    }

    func succeeded(_ endpoint: String) { state.withLock { $0.endpoints[endpoint, default: .init()].succeeded += 1 } }

    func failed(_ endpoint: String, _ failure: RemoteFailure) {
        state.withLock { $0.endpoints[endpoint, default: .init()].failedByKind[failure.kind, default: 0] += 1 }
    }

    func breaker(_ endpoint: String, isOpen: Bool) {
        state.withLock { $0.endpoints[endpoint, default: .init()].breakerOpen = isOpen }
    }

    func fellBack(because reason: FallbackReason) { state.withLock { $0.fallbacks[reason, default: 0] += 1 } }

    /// Records a successful remote call's overhead: its round trip as the front end saw it (encoding, transport,
    /// the worker's queue and copies, decoding) minus the compute time the worker reported.
    func recordOverhead(_ overhead: Duration) {
        let seconds = Double(overhead.nanoseconds) / 1e9
        state.withLock { state in
            if state.recentOverheads.count < Self.overheadWindow {
                state.recentOverheads.append(seconds)
            } else {
                state.recentOverheads[state.overheadCount % Self.overheadWindow] = seconds
            }
            state.overheadCount += 1
            state.overheadSum += seconds
        }
    }

    /// The `quantile` (0...1) of the latest remote calls' overheads, in seconds; nil before any call whose worker
    /// reported its compute time.
    public func overheadQuantile(_ quantile: Double) -> Double? {
        Self.quantile(quantile, of: sortedOverheads())
    }

    private func sortedOverheads() -> [Double] { state.withLock { $0.recentOverheads }.sorted() }

    private static func quantile(_ quantile: Double, of sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * quantile).rounded()))]
    }

    /// Remote inferences that gave outputs, over all endpoints.
    public var remoteSuccesses: Int { state.withLock { $0.endpoints.values.reduce(0) { $0 + $1.succeeded } } }

    /// Remote inferences that failed, over all endpoints and kinds.
    public var remoteFailures: Int {
        state.withLock { $0.endpoints.values.reduce(0) { $0 + $1.failedByKind.values.reduce(0, +) } }
    }

    /// Inferences run on the local backend instead of a remote.
    public var fallbacks: Int { state.withLock { $0.fallbacks.values.reduce(0, +) } }

    /// One line for a command's end: remote inferences, failures and fallbacks.
    public var summary: String {
        let overhead = overheadQuantile(0.5).map {
            String(format: "; overhead over the worker's compute p50 %.2f ms", $0 * 1000)
        }
        return "remote: \(remoteSuccesses) inferences on remotes, \(remoteFailures) failed, \(fallbacks) run locally"
            + (overhead ?? "")
    }

    /// The series in Prometheus' text format, appended to the server's own (endpoints are checked URLs without
    /// credentials or quotes, safe as label values).
    public var prometheusText: String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP ssd_remote_requests_total Remote inferences by endpoint and outcome (ok, or the failure's kind).",
            "# TYPE ssd_remote_requests_total counter",
        ]
        for endpoint in snapshot.endpoints.keys.sorted() {
            let counts = snapshot.endpoints[endpoint]!
            lines.append("ssd_remote_requests_total{endpoint=\"\(endpoint)\",outcome=\"ok\"} \(counts.succeeded)")
            for kind in ["connection", "timeout", "status", "malformed"] {
                lines.append(
                    "ssd_remote_requests_total{endpoint=\"\(endpoint)\",outcome=\"\(kind)\"} "
                        + "\(counts.failedByKind[kind, default: 0])")
            }
        }
        lines += [
            "# HELP ssd_remote_circuit_open Whether an endpoint's breaker keeps requests away (1) or not (0).",
            "# TYPE ssd_remote_circuit_open gauge",
        ]
        for endpoint in snapshot.endpoints.keys.sorted() {
            lines.append(
                "ssd_remote_circuit_open{endpoint=\"\(endpoint)\"} \(snapshot.endpoints[endpoint]!.breakerOpen ? 1 : 0)"
            )
        }
        lines += [
            "# HELP ssd_remote_fallbacks_total Inferences run on the local backend instead, by reason.",
            "# TYPE ssd_remote_fallbacks_total counter",
        ]
        for reason in FallbackReason.allCases {
            lines.append(
                "ssd_remote_fallbacks_total{reason=\"\(reason.rawValue)\"} \(snapshot.fallbacks[reason, default: 0])")
        }
        lines += [
            "# HELP ssd_remote_overhead_seconds A remote call's round trip minus the worker's reported compute time "
                + "(quantiles over the latest \(Self.overheadWindow) calls).",
            "# TYPE ssd_remote_overhead_seconds summary",
        ]
        let overheads = sortedOverheads()
        for quantile in [0.5, 0.9, 0.99] {
            if let value = Self.quantile(quantile, of: overheads) {
                lines.append("ssd_remote_overhead_seconds{quantile=\"\(quantile)\"} \(value)")
            }
        }
        lines += [
            "ssd_remote_overhead_seconds_sum \(snapshot.overheadSum)",
            "ssd_remote_overhead_seconds_count \(snapshot.overheadCount)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
