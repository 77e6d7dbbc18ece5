/// Why one remote inference did not give outputs: the request then runs locally, and the remote's breaker opens.
public enum RemoteFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection, or it broke (refused, reset, unreachable host).
    case connection(String)
    /// No answer within the timeout.
    case timeout
    /// An HTTP status other than 200, with the body's first bytes.
    case status(Int, String)
    /// An answer that does not parse as the protocol's, or lacks an output, or has the wrong type or shape.
    case malformed(String)

    /// Its label in /metrics.
    public var kind: String {
        switch self {
        case .connection: "connection"
        case .timeout: "timeout"
        case .status: "status"
        case .malformed: "malformed"
        }
    }

    /// One line for logs.
    public var description: String {
        switch self {
        case .connection(let reason): "connection failed: \(reason)"
        case .timeout: "timed out"
        case .status(let code, let body): "HTTP \(code): \(body)"
        case .malformed(let reason): "malformed answer: \(reason)"
        }
    }
}
