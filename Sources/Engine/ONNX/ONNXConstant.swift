/// A value the ONNX loader knows at load: an initializer, a Constant node's tensor, or the result of shape
/// arithmetic on them (Shape, Gather, Unsqueeze, Concat, ...), which is folded rather than run per request.
struct ONNXConstant {
    var shape: [Int]
    var dataType: DataType
    /// The elements of a float32 constant.
    var floats: [Float]
    /// The elements of an integer constant (any of the integer types), as Int64.
    var integers: [Int64]

    /// A float32 constant.
    init(shape: [Int], floats: [Float]) {
        self.shape = shape
        dataType = .float32
        self.floats = floats
        integers = []
    }

    /// An integer constant of `dataType`.
    init(shape: [Int], dataType: DataType = .int64, integers: [Int64]) {
        self.shape = shape
        self.dataType = dataType
        floats = []
        self.integers = integers
    }

    var elementCount: Int { shape.reduce(1, *) }

    var isFloat: Bool { dataType == .float32 }

    /// The elements as doubles, whatever the type (exact for every float32 and for integers below 2^53).
    var doubles: [Double] { isFloat ? floats.map(Double.init) : integers.map(Double.init) }

    /// The same elements in a new shape of as many elements.
    func reshaped(_ newShape: [Int]) -> ONNXConstant {
        var copy = self
        copy.shape = newShape
        return copy
    }

    /// The elements at `indices` (flat positions), in a new shape.
    func gathering(_ indices: [Int], shape newShape: [Int]) -> ONNXConstant {
        isFloat
            ? ONNXConstant(shape: newShape, floats: indices.map { floats[$0] })
            : ONNXConstant(shape: newShape, dataType: dataType, integers: indices.map { integers[$0] })
    }

    /// The engine's tensor for it: little-endian element bytes (integers narrowed to `dataType`'s width).
    func tensor(name: String) -> Tensor {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elementCount * dataType.byteWidth)
        switch dataType {
        case .float32: for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        case .int64: for value in integers { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        case .int32:
            for value in integers { withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { bytes += $0 } }
        case .uint8, .int8: bytes = integers.map { UInt8(truncatingIfNeeded: $0) }
        }
        return Tensor(name: name, shape: shape, dataType: dataType, data: bytes)
    }
}
