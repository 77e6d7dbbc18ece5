/// A graph on the reference backend: one buffer per tensor, ops run one after another.
final class ReferenceModel: PreparedModel {
    let graph: Graph
    let outputIndices: [Int]
    var inputIndices: [Int] { graph.inputs }
    private let storage: [UnsafeMutableRawBufferPointer]

    init(graph: Graph, extraOutputs: [Int]) {
        self.graph = graph
        outputIndices = graph.outputs + extraOutputs
        storage = graph.tensors.map { tensor in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(tensor.byteCount, 1), alignment: 64)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            if let data = tensor.data { data.withUnsafeBytes { buffer.copyMemory(from: $0) } }
            return buffer
        }
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
    }

    func input(_ position: Int) -> UnsafeMutableRawBufferPointer { bytes(of: inputIndices[position]) }

    func output(_ position: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(bytes(of: outputIndices[position]))
    }

    func run() {
        for node in graph.nodes { execute(node) }
    }

    private func bytes(of tensor: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[tensor][0..<graph.tensors[tensor].byteCount])
    }

    func values<T>(_ tensor: Int, as type: T.Type) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(
            rebasing: storage[tensor].bindMemory(to: T.self)[0..<graph.tensors[tensor].elementCount])
    }

    private func execute(_ node: Node) {
        let tensors = graph.tensors
        let input = tensors[node.inputs[0]]
        let output = tensors[node.outputs[0]]
        let quantized = output.quantization != nil && output.dataType == .uint8
        let kernels = ReferenceKernels(model: self, node: node)
        switch node.operation {
        case .conv2D(let parameters):
            kernels.convolution(window: parameters.window, depthMultiplier: nil, activation: parameters.activation)
        case .depthwiseConv2D(let parameters):
            kernels.convolution(
                window: parameters.window, depthMultiplier: parameters.depthMultiplier,
                activation: parameters.activation)
        case .averagePool2D(let parameters): kernels.pool(parameters, average: true)
        case .maxPool2D(let parameters): kernels.pool(parameters, average: false)
        case .reshape:
            bytes(of: node.outputs[0]).copyMemory(from: UnsafeRawBufferPointer(bytes(of: node.inputs[0])))
        case .concatenation(let axis, let activation): kernels.concatenation(axis: axis, activation: activation)
        case .add, .sub, .mul:
            let (arithmetic, activation) = node.operation.elementwiseArithmetic!
            kernels.arithmetic(arithmetic, activation: activation)
        case .logistic: kernels.unary(quantized: quantized) { 1 / (1 + ReferenceKernels.exp(-$0)) }
        case .relu: quantized ? kernels.quantizedRelu(.relu) : kernels.unary(quantized: false) { max($0, 0) }
        case .relu6: quantized ? kernels.quantizedRelu(.relu6) : kernels.unary(quantized: false) { min(max($0, 0), 6) }
        case .exp: kernels.unary(quantized: quantized) { ReferenceKernels.exp($0) }
        case .softmax(let beta): kernels.softmax(beta: beta)
        case .slice(let begin, _): kernels.slice(begin: begin)
        case .quantize: kernels.quantize(from: input, to: output)
        case .dequantize: kernels.dequantize(from: input)
        case .custom: preconditionFailure("custom ops are refused by prepare")
        }
    }
}
