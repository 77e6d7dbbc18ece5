/// Why bytes from a remote are not an acceptable HTTP/1.1 response.
public enum HTTPResponseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not HTTP/1.x, or a malformed status line, field, length or chunk.
    case malformed(String)
    /// A head or body over its bound.
    case tooLarge(String)
    /// The connection closed before the response was complete.
    case truncated

    /// One line for logs and failure counts.
    public var description: String {
        switch self {
        case .malformed(let reason): "malformed HTTP response: \(reason)"
        case .tooLarge(let reason): "HTTP response too large: \(reason)"
        case .truncated: "the connection closed before the response was complete"
        }
    }
}
