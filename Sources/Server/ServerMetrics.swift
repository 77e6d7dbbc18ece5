import Synchronization

/// Request counts and latencies in Prometheus' text format (`GET /metrics`), for autoscaling and dashboards.
///
/// Written here rather than with swift-prometheus: six series, one lock, no registry to wire.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct State {
        var requestsByStatus: [Int: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var count = 0
        var sum = 0.0
        var inFlight = 0
        var cutOff = 0
    }

    private let state = Mutex(State())

    /// Empty counters.
    public init() {}

    /// A request started.
    func begin() { state.withLock { $0.inFlight += 1 } }

    /// A request finished with `status` after `seconds`; `cutOff` when the shutdown's grace period ran out first.
    func end(status: Int, seconds: Double, cutOff: Bool = false) {
        state.withLock { state in
            state.inFlight -= 1
            if cutOff { state.cutOff += 1 }
            state.requestsByStatus[status, default: 0] += 1
            state.count += 1
            state.sum += seconds
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.bucketCounts[index] += 1 }
        }
    }

    /// A request refused before it was routed (at the connection, from its head).
    func refused(status: Int) {
        state.withLock { state in
            state.requestsByStatus[status, default: 0] += 1
            state.count += 1
            state.bucketCounts = state.bucketCounts.map { $0 + 1 }  // at once: within every bound
        }
    }

    /// Invocations that the shutdown's grace period cut off.
    public var cutOffInvocations: Int { state.withLock { $0.cutOff } }

    /// The exposition text; `ready` is whether the model is loaded, `waiting` the invocations waiting in line.
    func text(ready: Bool, waiting: Int) -> String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP ssd_invocations_total Requests to /invocations by HTTP status.",
            "# TYPE ssd_invocations_total counter",
        ]
        for status in snapshot.requestsByStatus.keys.sorted() {
            lines.append("ssd_invocations_total{status=\"\(status)\"} \(snapshot.requestsByStatus[status]!)")
        }
        lines += [
            "# HELP ssd_invocation_duration_seconds Time to answer /invocations.",
            "# TYPE ssd_invocation_duration_seconds histogram",
        ]
        for (index, bound) in Self.buckets.enumerated() {
            lines.append("ssd_invocation_duration_seconds_bucket{le=\"\(bound)\"} \(snapshot.bucketCounts[index])")
        }
        lines += [
            "ssd_invocation_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.count)",
            "ssd_invocation_duration_seconds_sum \(snapshot.sum)",
            "ssd_invocation_duration_seconds_count \(snapshot.count)",
            "# HELP ssd_invocations_in_flight Requests being answered now.",
            "# TYPE ssd_invocations_in_flight gauge",
            "ssd_invocations_in_flight \(snapshot.inFlight)",
            "# HELP ssd_invocations_waiting Requests waiting, their body unread, for a place (a scale-out signal).",
            "# TYPE ssd_invocations_waiting gauge",
            "ssd_invocations_waiting \(waiting)",
            "# HELP ssd_invocations_cut_off_total Requests the shutdown's grace period cut off.",
            "# TYPE ssd_invocations_cut_off_total counter",
            "ssd_invocations_cut_off_total \(snapshot.cutOff)",
            "# HELP ssd_model_ready Whether the model is loaded (1) or not yet (0).",
            "# TYPE ssd_model_ready gauge",
            "ssd_model_ready \(ready ? 1 : 0)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
