import HTTPTypes

/// The id a request is logged and answered with: the client's, when it is a short printable token, else a fresh
/// random one, so that a client cannot write 60 KB, or a line break, into every log line and response.
enum RequestID {
    /// The longest id kept as sent (a UUID is 36).
    static let maximumLength = 128

    /// `given` when it is 1 to 128 characters of letters, digits and `-_.:/+=@`; else a new id.
    static func sanitized(_ given: String?) -> String {
        guard let given, (1...maximumLength).contains(given.utf8.count),
            given.utf8.allSatisfy(isTokenByte)
        else { return random() }
        return given
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-_.:/+=@".utf8.contains(byte)
        }
    }

    /// 16 random hex digits.
    static func random() -> String {
        let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    /// The request id echoed in responses and logged with each request.
    static var requestID: Self { Self("X-Request-Id")! }
    /// The id SageMaker puts on requests it forwards.
    static var amazonRequestID: Self { Self("X-Amzn-RequestId")! }
}
