/// Why a KServe v2 request was refused or failed: an HTTP status and a message, sent as the protocol's
/// `{"error": "..."}` body, which tritonclient and the kserve SDK raise as the exception's text.
public struct KServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status: 400 for a malformed request, 404 for an unknown model, 503 when not ready or overloaded,
    /// 500 when the model failed.
    public var status: Int
    /// What went wrong, naming the tensor or field.
    public var message: String

    /// An error from its parts.
    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A malformed or inconsistent request (400).
    public static func badRequest(_ message: String) -> KServeError { KServeError(status: 400, message) }

    /// The response body: `{"error": "<message>"}`.
    public var body: [UInt8] {
        var writer = JSONWriter()
        writer.objectStart()
        writer.key("error")
        writer.string(message)
        writer.objectEnd()
        return writer.bytes
    }

    /// The message alone.
    public var description: String { message }
}
