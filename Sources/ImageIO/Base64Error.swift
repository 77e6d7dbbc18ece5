/// Why a base64 payload could not be decoded. Offsets count bytes from the start of the input as given.
public enum Base64Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// A byte that is neither in either base64 alphabet nor white space.
    case invalidCharacter(offset: Int, byte: UInt8)
    /// Padding (`=`) where it cannot stand, or data after it.
    case misplacedPadding(offset: Int)
    /// The input ends one character into a group of four, which cannot encode a byte.
    case truncated(offset: Int)
    /// A `data:` URL that does not say `;base64,`.
    case notBase64DataURL

    /// One line with the offending offset, for the client's error message.
    public var description: String {
        switch self {
        case .invalidCharacter(let offset, let byte):
            let shown =
                (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16)
            return "invalid base64 character \(shown) at offset \(offset)"
        case .misplacedPadding(let offset):
            return "misplaced base64 padding at offset \(offset)"
        case .truncated(let offset):
            return "base64 data ends mid-group at offset \(offset)"
        case .notBase64DataURL:
            return "data URL is not base64-encoded (expected ';base64,')"
        }
    }
}
