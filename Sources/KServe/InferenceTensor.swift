/// One tensor of an inference request or response, its data as raw bytes: little-endian, row-major, as the binary
/// tensor data extension carries it (JSON data is converted to and from this form at the edge).
public struct InferenceTensor: Sendable, Equatable {
    /// The input's or output's name.
    public var name: String
    /// Its element type.
    public var datatype: TensorDataType
    /// Its dimensions.
    public var shape: [Int]
    /// `shape`'s product times the element size, exactly.
    public var bytes: [UInt8]

    /// A tensor from its parts; the caller keeps `bytes.count` consistent with the shape and type.
    public init(name: String, datatype: TensorDataType, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.bytes = bytes
    }

    /// The tensor's description, without its data.
    public var metadata: TensorMetadata { TensorMetadata(name: name, datatype: datatype, shape: shape) }
}
