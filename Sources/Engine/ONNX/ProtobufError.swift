/// Why protobuf bytes could not be read.
public enum ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field or value runs past the end of its message.
    case truncated(offset: Int, needed: UInt64, available: Int)
    /// A varint longer than 10 bytes.
    case overlongVarint(offset: Int)
    /// Field number 0 or beyond protobuf's range.
    case invalidField(number: UInt64, offset: Int)
    /// Groups (wire types 3, 4) or an undefined wire type.
    case unsupportedWireType(Int, offset: Int)
    /// A known field carried with a wire type its schema does not allow.
    case wrongWireType(expected: String, offset: Int)

    /// One line naming the problem and where.
    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            "truncated at byte \(offset): \(needed) bytes needed, \(available) left"
        case .overlongVarint(let offset): "varint longer than 10 bytes at byte \(offset)"
        case .invalidField(let number, let offset): "field number \(number) at byte \(offset)"
        case .unsupportedWireType(let type, let offset): "unsupported wire type \(type) at byte \(offset)"
        case .wrongWireType(let expected, let offset): "expected a \(expected) field at byte \(offset)"
        }
    }
}
