/// Why a FlatBuffers binary could not be read. Every read is checked against the buffer, so a truncated or
/// hostile file ends here, never in a trap or an out-of-bounds read.
public enum FlatBufferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `length` bytes at `offset` (what: a table, a vtable, a vector, ...) reach past the `size`-byte buffer.
    case outOfBounds(what: String, offset: Int, length: Int, size: Int)
    /// A vtable whose header is inconsistent (too small, odd size, or pointing outside its table).
    case invalidVTable(offset: Int)
    /// A string that is not UTF-8.
    case invalidString(offset: Int)

    /// One line naming the fault and its offset, for `ModelError.malformed`.
    public var description: String {
        switch self {
        case .outOfBounds(let what, let offset, let length, let size):
            return "\(what) at offset \(offset) (\(length) bytes) lies outside the \(size)-byte file"
        case .invalidVTable(let offset):
            return "invalid vtable at offset \(offset)"
        case .invalidString(let offset):
            return "string at offset \(offset) is not valid UTF-8"
        }
    }
}
