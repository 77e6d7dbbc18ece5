import Foundation
import Inference
import Testing

/// Error bodies, pinned byte for byte: {"error":{"code":...,"message":...}}, compact, keys sorted, "/" as is.
struct ErrorBodyTests {
    static func text(_ error: InferenceError) -> String { String(decoding: error.jsonBody, as: UTF8.self) }

    @Test func errorBodiesAreThePinnedBytes() {
        #expect(
            Self.text(.overloaded())
                == #"{"error":{"code":"overloaded","message":"all workers are busy and the queue is full"}}"#)
        #expect(
            Self.text(.unsupportedMediaType(#"text/x"y\z"#, supported: ["application/json", "image/jpeg"]))
                == #"{"error":{"code":"unsupported_media_type","message":"content type 'text/x\"y\\z' "#
                + #"is not supported; use one of application/json, image/jpeg"}}"#)
        // Control characters escaped, slashes and non-ASCII characters (U+2028 included) written as they are.
        #expect(
            Self.text(.badRequest("invalid_json", "a/b\n\r\t\u{1}\u{1f} é \u{2028}"))
                == #"{"error":{"code":"invalid_json","message":"a/b\n\r\t\u0001\u001f é \#u{2028}"}}"#)
    }

    @Test func errorBodiesDecode() throws {
        let body = try JSONDecoder().decode(ErrorBody.self, from: Data(InferenceError.notReady.jsonBody))
        #expect(body == ErrorBody(code: "not_ready", message: "the model is still loading"))
        #expect(body.json == InferenceError.notReady.jsonBody)
    }
}
