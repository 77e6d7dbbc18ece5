/// Reads protocol-buffer wire format (varints, fixed 32/64-bit fields, length-delimited fields) from a byte array,
/// field by field, without copying: a length-delimited field is a range of the same array.
///
/// Every read is bounds-checked and every failure a `ProtobufError` naming the offset, so a truncated or hostile
/// file ends in an error, never a crash. Only what ONNX needs: no groups (deprecated wire types 3 and 4).
struct ProtobufReader {
    /// One field's value as the wire carries it; the schema says what it means.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// The field's bytes: a string, a nested message or a packed repeated field.
        case bytes(Range<Int>)
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// A reader of `bytes[range]` (the whole array by default).
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next field (number and value), nil at the end of the message.
    mutating func next() throws(ProtobufError) -> (field: Int, value: Value)? {
        guard position < end else { return nil }
        let start = position
        let key = try varint()
        let field = key >> 3
        guard field >= 1, field <= 536_870_911 else { throw .invalidField(number: field, offset: start) }
        switch key & 7 {
        case 0: return (Int(field), .varint(try varint()))
        case 1: return (Int(field), .fixed64(try fixed(UInt64.self)))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw .truncated(offset: position, needed: length, available: end - position)
            }
            let range = position..<(position + Int(length))
            position = range.upperBound
            return (Int(field), .bytes(range))
        case 5: return (Int(field), .fixed32(try fixed(UInt32.self)))
        default: throw .unsupportedWireType(Int(key & 7), offset: start)
        }
    }

    /// A base-128 varint of at most 10 bytes.
    private mutating func varint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < end else { throw .truncated(offset: position, needed: 1, available: 0) }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw .overlongVarint(offset: position - 10)
    }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type) throws(ProtobufError) -> T {
        let size = MemoryLayout<T>.size
        guard end - position >= size else {
            throw .truncated(offset: position, needed: UInt64(size), available: end - position)
        }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
        position += size
        return value
    }
}

extension ProtobufReader {
    /// A length-delimited field's bytes as UTF-8 text (invalid sequences become U+FFFD).
    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// A reader of a nested message.
    func message(_ range: Range<Int>) -> ProtobufReader { ProtobufReader(bytes, range: range) }

    /// The varints of a repeated integer field, packed (one length-delimited field) or not (one value).
    func varints(_ value: Value) throws(ProtobufError) -> [UInt64] {
        switch value {
        case .varint(let integer): return [integer]
        case .bytes(let range):
            var packed = ProtobufReader(bytes, range: range)
            var values: [UInt64] = []
            while packed.position < packed.end { values.append(try packed.varint()) }
            return values
        default: throw .wrongWireType(expected: "varint", offset: position)
        }
    }

    /// The values of a repeated 32-bit fixed field (floats), packed or not.
    func fixed32s(_ value: Value) throws(ProtobufError) -> [UInt32] {
        switch value {
        case .fixed32(let bits): return [bits]
        case .bytes(let range):
            guard range.count % 4 == 0 else {
                throw .wrongWireType(expected: "packed fixed32", offset: range.lowerBound)
            }
            var packed = ProtobufReader(bytes, range: range)
            var values: [UInt32] = []
            values.reserveCapacity(range.count / 4)
            while packed.position < packed.end { values.append(try packed.fixed(UInt32.self)) }
            return values
        default: throw .wrongWireType(expected: "fixed32", offset: position)
        }
    }
}
