/// A tensor of the graph: an activation, a graph input or output, or a constant (weights, biases, anchors).
public struct Tensor: Sendable {
    /// The model's name for it, for messages and `Graph.tensorIndex(named:)`.
    public var name: String
    /// Dimensions as the model file declares them (for activations, the planner re-infers and checks them).
    public var shape: [Int]
    /// Element type; the engine computes float32 and quantized uint8, other types serve as shapes or indices.
    public var dataType: DataType
    /// Nil for float tensors and for integer tensors that are not quantized (shapes, indices).
    public var quantization: Quantization?
    /// Little-endian element bytes of a constant; nil for activations.
    public var data: [UInt8]?

    /// A tensor as given; the loader checks that `data` holds `byteCount` bytes.
    public init(name: String, shape: [Int], dataType: DataType, quantization: Quantization? = nil, data: [UInt8]? = nil)
    {
        self.name = name
        self.shape = shape
        self.dataType = dataType
        self.quantization = quantization
        self.data = data
    }

    /// Number of elements (the loader has checked that it does not overflow).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Size in bytes.
    public var byteCount: Int { elementCount * dataType.byteWidth }

    /// Whether the model supplies the values (`data`) rather than a node computing them.
    public var isConstant: Bool { data != nil }
}

extension Tensor {
    /// A constant's elements as `T`, which must have the tensor's element width. Inlinable so that callers in
    /// other modules get a specialized loop (unspecialized, it dominated model load time).
    @inlinable
    public func constantValues<T: FixedWidthInteger>(_: T.Type) -> [T] {
        guard let data else { return [] }
        precondition(MemoryLayout<T>.size == dataType.byteWidth, "element width mismatch")
        return data.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
                for i in 0..<elementCount {
                    buffer[i] = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
                }
                initialized = elementCount
            }
        }
    }

    /// A float32 constant's elements.
    @inlinable
    public func constantFloats() -> [Float] { constantValues(UInt32.self).map(Float.init(bitPattern:)) }
}
