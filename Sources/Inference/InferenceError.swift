/// A failed request, carrying the HTTP status it means, so that the edge maps nothing by guessing.
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code.
    public let status: Int
    /// A stable, machine-readable code (snake_case).
    public let code: String
    /// A sentence for the client, in the JSON body's `message`.
    public let message: String
    /// Seconds a client should wait before retrying (503s).
    public let retryAfterSeconds: Int?

    /// An error with its HTTP status, stable `code`, message, and `Retry-After` seconds where retrying helps.
    public init(status: Int, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// "503 overloaded: ...", for logs.
    public var description: String { "\(status) \(code): \(message)" }

    /// 400: the payload or the image is bad.
    public static func badRequest(_ code: String, _ message: String) -> InferenceError {
        InferenceError(status: 400, code: code, message: message)
    }

    /// 413: the body is over the limit.
    public static func payloadTooLarge(limit: Int) -> InferenceError {
        InferenceError(status: 413, code: "payload_too_large", message: "request body over the \(limit)-byte limit")
    }

    /// 415: a content type the handler does not read.
    public static func unsupportedMediaType(_ given: String?, supported: [String]) -> InferenceError {
        InferenceError(
            status: 415, code: "unsupported_media_type",
            message: "content type \(given.map { "'\($0)'" } ?? "(none)") is not supported; use one of "
                + supported.joined(separator: ", "))
    }

    /// 406: no acceptable output format.
    public static func notAcceptable(_ given: String?, supported: [String]) -> InferenceError {
        InferenceError(
            status: 406, code: "not_acceptable",
            message: "cannot produce \(given.map { "'\($0)'" } ?? "(none)"); supported: "
                + supported.joined(separator: ", "))
    }

    /// 503: every worker is busy and the queue is full; retry later.
    public static func overloaded(retryAfterSeconds: Int = 1) -> InferenceError {
        InferenceError(
            status: 503, code: "overloaded", message: "all workers are busy and the queue is full",
            retryAfterSeconds: retryAfterSeconds)
    }

    /// 408: the client was too slow to send its request.
    public static func requestTimeout(_ message: String) -> InferenceError {
        InferenceError(status: 408, code: "request_timeout", message: message)
    }

    /// 503: the server is draining before it stops; another instance will answer.
    public static let shuttingDown = InferenceError(
        status: 503, code: "shutting_down",
        message: "the server is shutting down; retry on another instance", retryAfterSeconds: 1)

    /// 503: the model is not loaded yet.
    public static let notReady = InferenceError(
        status: 503, code: "not_ready", message: "the model is still loading",
        retryAfterSeconds: 1)

    /// 500: a fault of the server or of a handler, not of the request.
    public static func internalError(_ message: String) -> InferenceError {
        InferenceError(status: 500, code: "internal_error", message: message)
    }

    /// The JSON body of the error: {"error": {"code": ..., "message": ...}} (`ErrorBody`).
    public var jsonBody: [UInt8] { ErrorBody(code: code, message: message).json }
}
