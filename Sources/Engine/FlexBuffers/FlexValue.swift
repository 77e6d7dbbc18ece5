/// A decoded FlexBuffers value (the schemaless encoding of TFLite custom-op options).
public enum FlexValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case blob([UInt8])
    case vector([FlexValue])
    /// Keys in the order stored (FlexBuffers sorts them).
    case map([(key: String, value: FlexValue)])

    /// The value for `key` of a map; nil for other values and absent keys.
    public subscript(key: String) -> FlexValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Numbers and booleans as a Double.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .float(let v): v
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// Integral numbers and booleans as an Int.
    public var intValue: Int? {
        switch self {
        case .int(let v): Int(exactly: v)
        case .uint(let v): Int(exactly: v)
        case .bool(let v): v ? 1 : 0
        case .float(let v): Int(exactly: v)
        default: nil
        }
    }

    /// Booleans, and numbers as nonzero.
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return doubleValue.map { $0 != 0 }
    }

    /// Structural: maps are equal only with the same keys in the same order; floats compare as IEEE (NaN is unequal).
    public static func == (lhs: FlexValue, rhs: FlexValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.int(let a), .int(let b)): a == b
        case (.uint(let a), .uint(let b)): a == b
        case (.float(let a), .float(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.blob(let a), .blob(let b)): a == b
        case (.vector(let a), .vector(let b)): a == b
        case (.map(let a), .map(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    /// JSON-like text (strings quoted, blobs as their size), for messages.
    public var description: String {
        switch self {
        case .null: "null"
        case .int(let v): "\(v)"
        case .uint(let v): "\(v)"
        case .float(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .blob(let v): "<\(v.count) bytes>"
        case .vector(let v): "[" + v.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries): "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
