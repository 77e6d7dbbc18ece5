/// Why a FlexBuffers blob could not be decoded.
public enum FlexBufferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A read at `offset` of `length` bytes reaches outside the `size`-byte blob.
    case outOfBounds(offset: Int, length: Int, size: Int)
    /// A type code, bit width or structure that the format does not allow.
    case invalid(String)

    /// One line naming the fault, for `ModelError.malformedCustomOptions`.
    public var description: String {
        switch self {
        case .outOfBounds(let offset, let length, let size):
            "FlexBuffers read of \(length) bytes at \(offset) lies outside the \(size)-byte blob"
        case .invalid(let reason): "invalid FlexBuffers data: \(reason)"
        }
    }
}

/// A bounds-checked decoder of FlexBuffers (github.com/google/flatbuffers, docs/source/flexbuffers.md).
///
/// Written here for the same reason as the FlatBuffers reader: custom-op options come from an untrusted file.
/// Decodes the whole value eagerly; options blobs are a few hundred bytes.
public struct FlexBufferReader: Sendable {
    private let bytes: [UInt8]
    /// Nesting bound, so that a blob whose offsets form a cycle cannot recurse forever.
    private static let maximumDepth = 64
    /// Bound on what a blob may decode to (values, plus the bytes of strings, keys and blobs), in times its size.
    /// Offsets may point many times at the same vector, so a few hundred bytes could otherwise decode to gigabytes.
    /// Builders write each value once and share only keys (between maps with the same keys), which stays far below
    /// this unless keys average over a hundred characters.
    private static let maximumExpansion = 64
    /// What decoding may still produce, in the units of `maximumExpansion`.
    private var remaining = 0

    // Type codes of the format.
    private enum Code {
        static let null = 0, int = 1, uint = 2, float = 3, key = 4, string = 5
        static let indirectInt = 6, indirectUInt = 7, indirectFloat = 8, map = 9, vector = 10
        static let typedVectors = 11...15, fixedTypedVectors = 16...24, blob = 25, bool = 26, vectorBool = 36
    }

    /// Holds `bytes`, the whole blob (its root is at the end); nothing is read until `decode()`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Decodes the root value.
    public func decode() throws(FlexBufferError) -> FlexValue {
        guard bytes.count >= 3 else { throw .invalid("a blob needs at least 3 bytes, found \(bytes.count)") }
        let rootWidth = Int(bytes[bytes.count - 1])
        guard [1, 2, 4, 8].contains(rootWidth) else { throw .invalid("root byte width \(rootWidth)") }
        let packed = bytes[bytes.count - 2]
        var decoder = self
        decoder.remaining = Self.maximumExpansion * bytes.count
        return try decoder.value(at: bytes.count - 2 - rootWidth, parentWidth: rootWidth, packedType: packed, depth: 0)
    }

    /// Counts `units` of output against `remaining`.
    private mutating func produce(_ units: Int) throws(FlexBufferError) {
        guard units <= remaining else {
            throw .invalid("decodes to more than \(Self.maximumExpansion) times its size (offsets that share data)")
        }
        remaining -= units
    }

    private func check(_ offset: Int, _ length: Int) throws(FlexBufferError) {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw .outOfBounds(offset: offset, length: length, size: bytes.count)
        }
    }

    private func unsigned(at offset: Int, width: Int) throws(FlexBufferError) -> UInt64 {
        try check(offset, width)
        var result: UInt64 = 0
        for i in (0..<width).reversed() { result = result << 8 | UInt64(bytes[offset + i]) }
        return result
    }

    private func signed(at offset: Int, width: Int) throws(FlexBufferError) -> Int64 {
        let raw = try unsigned(at: offset, width: width)
        let shift = UInt64(64 - 8 * width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    private func float(at offset: Int, width: Int) throws(FlexBufferError) -> Double {
        switch width {
        case 4: Double(Float(bitPattern: UInt32(try unsigned(at: offset, width: 4))))
        case 8: Double(bitPattern: try unsigned(at: offset, width: 8))
        default: throw .invalid("float of \(width) bytes")
        }
    }

    /// Follows the backward offset stored at `offset`.
    private func indirect(at offset: Int, width: Int) throws(FlexBufferError) -> Int {
        let distance = try unsigned(at: offset, width: width)
        guard distance <= UInt64(offset) else { throw .outOfBounds(offset: offset, length: width, size: bytes.count) }
        return offset - Int(distance)
    }

    private mutating func value(at offset: Int, parentWidth: Int, packedType: UInt8, depth: Int)
        throws(FlexBufferError) -> FlexValue
    {
        guard depth < Self.maximumDepth else { throw .invalid("nesting deeper than \(Self.maximumDepth)") }
        try produce(1)
        let code = Int(packedType >> 2)
        let width = 1 << Int(packedType & 3)
        switch code {
        case Code.null: return .null
        case Code.int: return .int(try signed(at: offset, width: parentWidth))
        case Code.uint: return .uint(try unsigned(at: offset, width: parentWidth))
        case Code.bool: return .bool(try unsigned(at: offset, width: parentWidth) != 0)
        case Code.float: return .float(try float(at: offset, width: parentWidth))
        case Code.indirectInt: return .int(try signed(at: try indirect(at: offset, width: parentWidth), width: width))
        case Code.indirectUInt:
            return .uint(try unsigned(at: try indirect(at: offset, width: parentWidth), width: width))
        case Code.indirectFloat:
            return .float(try float(at: try indirect(at: offset, width: parentWidth), width: width))
        case Code.key:
            let key = try key(at: try indirect(at: offset, width: parentWidth))
            try produce(key.utf8.count)
            return .string(key)
        case Code.string, Code.blob:
            let start = try indirect(at: offset, width: parentWidth)
            let count = try length(before: start, width: width)
            try check(start, count)
            try produce(count)
            let content = Array(bytes[start..<(start + count)])
            if code == Code.blob { return .blob(content) }
            guard let text = String(validating: content, as: UTF8.self) else { throw .invalid("string is not UTF-8") }
            return .string(text)
        case Code.map: return try map(at: try indirect(at: offset, width: parentWidth), width: width, depth: depth)
        case Code.vector:
            let start = try indirect(at: offset, width: parentWidth)
            return .vector(try untypedElements(at: start, width: width, depth: depth))
        case Code.typedVectors, Code.vectorBool:
            let start = try indirect(at: offset, width: parentWidth)
            let elementCode = code == Code.vectorBool ? Code.bool : code - Code.typedVectors.lowerBound + Code.int
            return .vector(
                try typedElements(
                    at: start, count: try length(before: start, width: width),
                    width: width, elementCode: elementCode, depth: depth))
        case Code.fixedTypedVectors:
            let start = try indirect(at: offset, width: parentWidth)
            let index = code - Code.fixedTypedVectors.lowerBound
            return .vector(
                try typedElements(
                    at: start, count: index / 3 + 2, width: width,
                    elementCode: index % 3 + Code.int, depth: depth))
        default: throw .invalid("type code \(code)")
        }
    }

    /// The element count stored just before a vector, string or map.
    private func length(before start: Int, width: Int) throws(FlexBufferError) -> Int {
        let count = try unsigned(at: start - width, width: width)
        guard count <= UInt64(bytes.count) else { throw .invalid("length \(count) exceeds the blob") }
        return Int(count)
    }

    private func key(at start: Int) throws(FlexBufferError) -> String {
        try check(start, 0)
        guard let end = bytes[start...].firstIndex(of: 0) else { throw .invalid("key without terminator") }
        guard let text = String(validating: bytes[start..<end], as: UTF8.self) else {
            throw .invalid("key is not UTF-8")
        }
        return text
    }

    private mutating func untypedElements(at start: Int, width: Int, depth: Int) throws(FlexBufferError)
        -> [FlexValue]
    {
        let count = try length(before: start, width: width)
        let (size, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw .invalid("vector length overflows") }
        try check(start, size)
        try check(start + size, count)  // one packed type byte per element
        var elements: [FlexValue] = []
        for i in 0..<count {
            elements.append(
                try value(
                    at: start + i * width, parentWidth: width, packedType: bytes[start + size + i],
                    depth: depth + 1))
        }
        return elements
    }

    private mutating func typedElements(at start: Int, count: Int, width: Int, elementCode: Int, depth: Int)
        throws(FlexBufferError) -> [FlexValue]
    {
        let (size, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw .invalid("vector length overflows") }
        try check(start, size)
        let packed = UInt8(elementCode << 2)
        var elements: [FlexValue] = []
        for i in 0..<count {
            elements.append(try value(at: start + i * width, parentWidth: width, packedType: packed, depth: depth + 1))
        }
        return elements
    }

    private mutating func map(at start: Int, width: Int, depth: Int) throws(FlexBufferError) -> FlexValue {
        let values = try untypedElements(at: start, width: width, depth: depth)
        let keysStart = try indirect(at: start - 3 * width, width: width)
        // Checked before converting: a stored width can be any 64-bit value.
        let storedKeysWidth = try unsigned(at: start - 2 * width, width: width)
        guard [1, 2, 4, 8].contains(storedKeysWidth) else { throw .invalid("map key width \(storedKeysWidth)") }
        let keysWidth = Int(storedKeysWidth)
        let keys = try typedElements(
            at: keysStart, count: try length(before: keysStart, width: keysWidth),
            width: keysWidth, elementCode: Code.key, depth: depth + 1)
        guard keys.count == values.count else {
            throw .invalid("map with \(keys.count) keys and \(values.count) values")
        }
        var entries: [(key: String, value: FlexValue)] = []
        for (key, value) in zip(keys, values) {
            guard case .string(let name) = key else { throw .invalid("map key is not a string") }
            entries.append((name, value))
        }
        return .map(entries)
    }
}
