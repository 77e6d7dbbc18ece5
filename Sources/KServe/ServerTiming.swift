import Foundation

/// The durations a worker reports with an answer, as the W3C `Server-Timing` response header carries them
/// (`queue;dur=0.012, compute;dur=5.210`, milliseconds): the time a request waited for a free network and the
/// network pass itself. The front end subtracts `compute` from its round trip to know what the remote costs it.
public struct ServerTiming: Sendable, Equatable {
    /// From the request's arrival at the model to the start of its pass: waiting for a free network, copying the
    /// inputs in.
    public var queue: Duration?
    /// The network pass alone: inputs in place, outputs written.
    public var compute: Duration?

    /// Timings from their parts; nil ones are not reported.
    public init(queue: Duration? = nil, compute: Duration? = nil) {
        self.queue = queue
        self.compute = compute
    }

    /// The header's value, nil when there is nothing to report.
    public var headerValue: String? {
        let metrics = [("queue", queue), ("compute", compute)].compactMap { name, duration in
            duration.map { "\(name);dur=\(Self.milliseconds($0))" }
        }
        return metrics.isEmpty ? nil : metrics.joined(separator: ", ")
    }

    /// Reads the `queue` and `compute` metrics of a `Server-Timing` value, ignoring every other metric and
    /// parameter; a metric whose duration is missing, not a number, negative or over an hour is left nil, since
    /// the header comes from another process and only informs statistics.
    public init(headerValue: String) {
        for metric in headerValue.split(separator: ",") {
            let parameters = metric.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parameters.first else { continue }
            let duration = parameters.dropFirst().lazy.compactMap { parameter -> Duration? in
                guard parameter.hasPrefix("dur="), let value = Double(parameter.dropFirst(4)),
                    value >= 0, value <= 3_600_000
                else { return nil }
                return .nanoseconds(Int64(value * 1_000_000))
            }.first
            switch name {
            case "queue": queue = duration
            case "compute": compute = duration
            default: continue
            }
        }
    }

    /// Milliseconds with microsecond resolution, as the header's `dur` takes them.
    private static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let (whole, fraction) = microseconds.quotientAndRemainder(dividingBy: 1000)
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }
}
