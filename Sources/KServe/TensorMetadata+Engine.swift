import Engine

extension TensorDataType {
    /// The protocol's name for an engine element type.
    public init(_ type: DataType) {
        switch type {
        case .float32: self = .fp32
        case .int32: self = .int32
        case .uint8: self = .uint8
        case .int64: self = .int64
        case .int8: self = .int8
        }
    }
}

extension TensorMetadata {
    /// An engine tensor as the protocol describes it: its name, element type and shape, the bytes as the backends
    /// lay them out (a quantized tensor travels as its raw integers; both ends know its scale from the model).
    public init(_ tensor: Tensor) {
        self.init(name: tensor.name, datatype: TensorDataType(tensor.dataType), shape: tensor.shape)
    }
}
