/// A model input or output as `GET /v2/models/{name}` describes it.
public struct TensorMetadata: Sendable, Equatable {
    /// The tensor's name, as requests and responses carry it.
    public var name: String
    /// Its element type.
    public var datatype: TensorDataType
    /// Its dimensions (all fixed: the models served here are planned for one shape).
    public var shape: [Int]

    /// A tensor description from its parts.
    public init(name: String, datatype: TensorDataType, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }

    /// Elements of the tensor (the product of the dimensions).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of the tensor in the binary extension.
    public var byteCount: Int { elementCount * datatype.byteSize }
}
