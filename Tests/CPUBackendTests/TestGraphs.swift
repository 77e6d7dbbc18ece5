@testable import CPUBackend
import Engine
import TestSupport
import Testing

/// Small one-op graphs with random inputs and constants, for comparing backends op by op.
struct TestGraphs {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// `graph` planned on the CPU backend with `instructionSet`, as the model whose planning decisions the tests read.
    static func cpuModel(_ graph: Graph, _ instructionSet: CPUInstructionSet) throws -> CPUModel {
        try #require(
            try CPUBackend(instructionSet: instructionSet).prepare(graph, options: BackendOptions()) as? CPUModel)
    }

    /// A uint8 tensor quantized with `scale` and `zeroPoint`, random contents when constant.
    mutating func quantized(_ name: String, _ shape: [Int], scale: Float, zeroPoint: Int32, constant: Bool = false)
        -> Tensor
    {
        let count = shape.reduce(1, *)
        return Tensor(
            name: name, shape: shape, dataType: .uint8,
            quantization: Quantization(scale: scale, zeroPoint: zeroPoint),
            data: constant ? (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } : nil)
    }

    mutating func float(_ name: String, _ shape: [Int], constant: Bool = false) -> Tensor {
        let count = shape.reduce(1, *)
        var data: [UInt8]? = nil
        if constant {
            data = (0..<count).flatMap { _ in
                withUnsafeBytes(of: (random.unit() * 2 - 1).bitPattern.littleEndian, Array.init)
            }
        }
        return Tensor(name: name, shape: shape, dataType: .float32, data: data)
    }

    mutating func int32(_ name: String, _ count: Int, range: ClosedRange<Int32>) -> Tensor {
        let values = (0..<count).map { _ in
            Int32(truncatingIfNeeded: random.next() % UInt64(range.count)) + range.lowerBound
        }
        return Tensor(
            name: name, shape: [count], dataType: .int32,
            quantization: Quantization(scale: 1, zeroPoint: 0),
            data: values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
    }

    mutating func floatBias(_ count: Int) -> Tensor { float("bias", [count], constant: true) }

    /// One node reading `inputs` (the first `graphInputs` of them fed by the caller) and writing `output`.
    static func graph(_ operation: Operation, inputs: [Tensor], graphInputs: Int = 1, output: Tensor) -> Graph {
        Graph(
            name: "test \(operation.name)", tensors: inputs + [output],
            nodes: [Node(operation: operation, inputs: Array(inputs.indices), outputs: [inputs.count])],
            inputs: Array(0..<graphInputs), outputs: [inputs.count])
    }

    /// Fills every input of `model` with random bytes (quantized) or values in [-2, 2] (float).
    mutating func fillInputs(_ model: any PreparedModel) {
        for position in model.inputIndices.indices {
            let buffer = model.input(position)
            if model.inputTensor(position).dataType == .float32 {
                for i in 0..<(buffer.count / 4) {
                    buffer.storeBytes(of: random.unit() * 4 - 2, toByteOffset: i * 4, as: Float.self)
                }
            } else {
                for i in 0..<buffer.count { buffer[i] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
    }
}
