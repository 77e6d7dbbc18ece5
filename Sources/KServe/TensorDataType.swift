/// A tensor element type of the Open Inference Protocol (KServe v2), by its protocol name.
///
/// Only fixed-size types: BYTES (length-prefixed strings) carries no image tensor and is refused as a request's
/// datatype.
public enum TensorDataType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64"

    /// Bytes of one element in the binary tensor data extension (little-endian, row-major).
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        }
    }
}
