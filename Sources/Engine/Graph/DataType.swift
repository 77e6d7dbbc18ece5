/// Element type of a tensor.
public enum DataType: String, Sendable, Equatable, CustomStringConvertible {
    case float32, int32, uint8, int64, int8

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float32, .int32: 4
        case .uint8, .int8: 1
        case .int64: 8
        }
    }

    /// The raw value ("float32", "uint8", ...), for messages.
    public var description: String { rawValue }
}
