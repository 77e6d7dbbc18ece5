import Engine
import Testing

/// Shape inference on hostile shapes: each one a typed error, never a trap.
struct GraphValidationTests {
    /// A float [1, 2, 2, 3] input reshaped by a constant int32 shape tensor.
    static func reshape(to shape: [Int32]) -> Graph {
        let input = Tensor(name: "input", shape: [1, 2, 2, 3], dataType: .float32)
        let newShape = Tensor(
            name: "shape", shape: [shape.count], dataType: .int32,
            data: shape.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        let output = Tensor(name: "output", shape: [], dataType: .float32)
        return Graph(
            name: "reshape", tensors: [input, newShape, output],
            nodes: [Node(operation: .reshape, inputs: [0, 1], outputs: [2])], inputs: [0], outputs: [2])
    }

    @Test func aReshapeInfersItsWildcard() throws {
        #expect(try Self.reshape(to: [1, -1, 3]).validated().tensors[2].shape == [1, 4, 3])
    }

    /// Found by fuzzing (fuzz-tflite): the product of a shape tensor's values overflowed, a trap.
    @Test func aReshapeToAShapeThatOverflowsIsInvalid() {
        let huge = Int32.max
        for shape: [Int32] in [[huge, huge, huge], [-1, huge, huge, huge], [huge, huge, -1, 4]] {
            #expect(throws: ModelError.self, "\(shape)") { try Self.reshape(to: shape).validated() }
        }
    }

    /// The loader refuses declared shapes past Int32.max elements; inferred ones are held to the same bound, so
    /// that every element count of a validated graph is safe to compute.
    @Test func anInferredShapePastInt32MaxElementsIsInvalid() {
        // A 2^30-element input through a 1x1 convolution to 4 channels: 2^32 elements.
        let input = Tensor(name: "input", shape: [1, 32768, 32768, 1], dataType: .float32)
        let filter = Tensor(
            name: "filter", shape: [4, 1, 1, 1], dataType: .float32,
            data: [UInt8](repeating: 0, count: 16))
        let output = Tensor(name: "output", shape: [], dataType: .float32)
        let convolution = Operation.conv2D(
            Conv2DParameters(
                window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: .none))
        let graph = Graph(
            name: "wide", tensors: [input, filter, output],
            nodes: [Node(operation: convolution, inputs: [0, 1], outputs: [2])], inputs: [0], outputs: [2])
        #expect(throws: ModelError.self) { try graph.validated() }
    }
}

extension GraphValidationTests {
    /// A hand-built window (the loader refuses these) has no geometry rather than dividing by zero.
    @Test(arguments: [(0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0), (-2, 1, 1, 1)])
    func aStrideOrDilationBelowOneHasNoGeometry(strides: (Int, Int, Int, Int)) {
        for padding in [Padding.same, .valid] {
            let window = Window(
                padding: padding, strideHeight: strides.0, strideWidth: strides.1, dilationHeight: strides.2,
                dilationWidth: strides.3)
            #expect(window.geometry(inputHeight: 8, inputWidth: 8, filterHeight: 3, filterWidth: 3) == nil)
        }
    }
}

extension GraphValidationTests {
    /// A RELU from a `dataType` tensor with `quantization` to a plain uint8 one.
    static func relu(input dataType: DataType, _ quantization: Quantization) -> Graph {
        let input = Tensor(name: "input", shape: [1, 2, 2, 3], dataType: dataType, quantization: quantization)
        let output = Tensor(
            name: "output", shape: [], dataType: .uint8, quantization: Quantization(scale: 0.1, zeroPoint: 0))
        return Graph(
            name: "relu", tensors: [input, output], nodes: [Node(operation: .relu, inputs: [0], outputs: [1])],
            inputs: [0], outputs: [1])
    }

    /// Quantization parameters a model file can carry past what the kernels' integer arithmetic is written for
    /// (zero points added to int32 sums, scales multiplied and divided in Float): a typed error before any kernel
    /// computes with them. The bounds themselves pass.
    @Test(arguments: [
        (DataType.uint8, Quantization(scale: 0.1, zeroPoint: 256)),
        (.uint8, Quantization(scale: 0.1, zeroPoint: -1)),
        (.uint8, Quantization(scale: 0.1, zeroPoint: .max)),
        (.uint8, Quantization(scale: 0x1p-61, zeroPoint: 0)),
        (.uint8, Quantization(scale: 0x1p61, zeroPoint: 0)),
        (.float32, Quantization(scale: 0.1, zeroPoint: 0)),
    ])
    func quantizationOutsideTheKernelsBoundsIsInvalid(dataType: DataType, quantization: Quantization) {
        #expect(throws: ModelError.self) { try Self.relu(input: dataType, quantization).validated() }
    }

    @Test(arguments: [
        Quantization(scale: 0x1p-60, zeroPoint: 0), Quantization(scale: 0x1p60, zeroPoint: 255),
        Quantization(scale: 0.02, zeroPoint: 128),
    ])
    func quantizationWithinTheBoundsIsValid(quantization: Quantization) throws {
        _ = try Self.relu(input: .uint8, quantization).validated()
    }
}
