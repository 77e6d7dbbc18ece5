import HTTPTypes
import Hummingbird
import Inference
import NIOCore

extension InferenceError {
    /// The header fields of this error's response: JSON, and `Retry-After` where the error gives one.
    var responseHeaders: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return headers
    }

    /// This error as a response: its status, JSON body and headers.
    var response: Response {
        Response(
            status: .init(code: status), headers: responseHeaders,
            body: .init(byteBuffer: ByteBuffer(bytes: jsonBody)))
    }
}
