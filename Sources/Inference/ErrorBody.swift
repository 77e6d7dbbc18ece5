import Foundation

/// The JSON of an error, {"error": {"code": ..., "message": ...}}: the body of every error response
/// (docs/HTTP-API.md), and, beside a "path", an image that failed in `ssd-detect --json` (docs/JSON.md).
public struct ErrorBody: Sendable, Equatable, Codable {
    /// What went wrong.
    public struct Detail: Sendable, Equatable, Codable {
        /// A stable, machine-readable code (snake_case).
        public var code: String
        /// A sentence for the reader.
        public var message: String

        /// A code and its message, as given.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The code and message, under "error".
    public var error: Detail

    /// The body of an error with `code` and `message`.
    public init(code: String, message: String) {
        error = Detail(code: code, message: message)
    }

    /// The body as compact JSON, keys sorted, "/" not escaped: the bytes of an error response.
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Two strings always encode: there is no number that could be NaN, and no other value.
        return [UInt8](try! encoder.encode(self))
    }
}
