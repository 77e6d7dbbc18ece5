import Foundation

/// Conversions between a tensor's JSON `data` (numbers, nested or flat, row-major) and its raw little-endian bytes.
enum TensorElements {
    /// The bytes of `data`, which must hold exactly `count` values that fit `datatype` (integers integral and in
    /// range, floats finite where the type is FP16 or FP32 and the value would overflow it).
    static func bytes(fromJSON data: Any, datatype: TensorDataType, count: Int, tensor: String)
        throws(KServeError) -> [UInt8]
    {
        var values: [Double] = []
        // Not `count`: a shape alone must not reserve memory; the JSON part bounds the values actually there.
        values.reserveCapacity(min(count, 1 << 16))
        try flatten(data, into: &values, booleans: datatype == .bool, limit: count, tensor: tensor, depth: 0)
        guard values.count == count else {
            throw .badRequest("input '\(tensor)': data holds \(values.count) values, its shape \(count)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(count * datatype.byteSize)
        for (position, value) in values.enumerated() {
            guard append(value, as: datatype, to: &bytes) else {
                throw .badRequest(
                    "input '\(tensor)': data[\(position)] = \(value) is not a \(datatype.rawValue) value")
            }
        }
        return bytes
    }

    /// Writes `bytes` (elements of `datatype`) as a flat JSON list.
    static func writeJSON(_ bytes: [UInt8], datatype: TensorDataType, into writer: inout JSONWriter) {
        writer.arrayStart()
        let count = bytes.count / datatype.byteSize
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let offset = index * datatype.byteSize
                switch datatype {
                case .bool: writer.bool(raw[offset] != 0)
                case .uint8: writer.integer(Int(raw[offset]))
                case .int8: writer.integer(Int(Int8(bitPattern: raw[offset])))
                case .uint16:
                    writer.integer(
                        Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
                case .int16:
                    writer.integer(Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self))))
                case .uint32:
                    writer.integer(
                        Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                case .int32:
                    writer.integer(Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))))
                case .uint64:
                    writer.raw(String(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                case .int64:
                    writer.raw(String(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))))
                case .fp16:
                    let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                    writer.number(Float(Float16(bitPattern: bits)))
                case .fp32:
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    writer.number(Float(bitPattern: bits))
                case .fp64:
                    let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    writer.number(Double(bitPattern: bits))
                }
            }
        }
        writer.arrayEnd()
    }

    /// Nested lists flattened in order; at most `limit` values are taken (one more is enough to say the count is
    /// wrong), and nesting deeper than a tensor's rank cap is refused.
    /// `booleans`: whether the values are true/false (BOOL) rather than numbers.
    private static func flatten(
        _ value: Any, into values: inout [Double], booleans: Bool, limit: Int, tensor: String, depth: Int
    ) throws(KServeError) {
        if let list = value as? [Any] {
            guard depth < InferenceRequest.Limits.maximumRank else {
                throw .badRequest("input '\(tensor)': data nested deeper than \(InferenceRequest.Limits.maximumRank)")
            }
            for element in list {
                guard values.count <= limit else { return }
                try flatten(element, into: &values, booleans: booleans, limit: limit, tensor: tensor, depth: depth + 1)
            }
        } else if let number = value as? NSNumber, isBoolean(number) == booleans {
            values.append(number.doubleValue)
        } else {
            let expected = booleans ? "true or false" : "numbers"
            throw .badRequest("input '\(tensor)': data must hold \(expected), found \(Self.kind(of: value))")
        }
    }

    /// What a JSON value is, for messages (never the value itself, which may be megabytes).
    private static func kind(of value: Any) -> String {
        switch value {
        case is String: "a string"
        case is [String: Any]: "an object"
        case let number as NSNumber: isBoolean(number) ? "a boolean" : "a number"
        default: "null"
        }
    }

    /// Whether a number JSONSerialization made is a JSON true or false: Foundation on Linux also answers `is Bool`
    /// for the numbers 0 and 1, but only a literal has the one-byte "c" type.
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// Appends `value` as one element of `datatype`; false when it does not fit.
    private static func append(_ value: Double, as datatype: TensorDataType, to bytes: inout [UInt8]) -> Bool {
        func integer<T: FixedWidthInteger>(_: T.Type) -> Bool {
            guard let exact = T(exactly: value) else { return false }
            withUnsafeBytes(of: exact.littleEndian) { bytes += $0 }
            return true
        }
        switch datatype {
        case .bool:
            guard value == 0 || value == 1 else { return false }
            bytes.append(value == 1 ? 1 : 0)
            return true
        case .uint8: return integer(UInt8.self)
        case .int8: return integer(Int8.self)
        case .uint16: return integer(UInt16.self)
        case .int16: return integer(Int16.self)
        case .uint32: return integer(UInt32.self)
        case .int32: return integer(Int32.self)
        case .uint64: return integer(UInt64.self)
        case .int64: return integer(Int64.self)
        case .fp16:
            let half = Float16(value)
            guard half.isFinite else { return false }
            withUnsafeBytes(of: half.bitPattern.littleEndian) { bytes += $0 }
            return true
        case .fp32:
            let single = Float(value)
            guard single.isFinite else { return false }
            withUnsafeBytes(of: single.bitPattern.littleEndian) { bytes += $0 }
            return true
        case .fp64:
            guard value.isFinite else { return false }
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            return true
        }
    }
}
