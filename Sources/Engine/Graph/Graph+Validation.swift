extension Graph {
    /// The graph with every activation's shape inferred from the inputs' fixed shapes and every node checked:
    /// tensor types, quantization, filter and bias shapes, window geometry. Backends plan only validated graphs,
    /// so their kernels can trust every shape. A shape the file declares must agree with the inferred one.
    public func validated() throws(ModelError) -> Graph {
        var graph = self
        var known = [Bool](repeating: false, count: tensors.count)
        for index in inputs { known[index] = true }
        for (index, tensor) in tensors.enumerated() where tensor.isConstant { known[index] = true }
        for index in inputs where graph.tensors[index].elementCount == 0 {
            throw .invalid("graph input \(tensors[index].name) has shape \(tensors[index].shape)")
        }
        for tensor in tensors { try Self.checkQuantization(tensor) }
        for (position, node) in nodes.enumerated() {
            let label = "op \(position) (\(node.operation.name))"
            for input in node.inputs where !known[input] {
                throw .invalid("\(label) reads \(tensors[input].name) before anything writes it")
            }
            guard !node.operation.isCustom else {
                for output in node.outputs { known[output] = true }
                continue
            }
            let shapes = try graph.inferOutputShapes(node, label: label)
            guard shapes.count == node.outputs.count else {
                throw .invalid("\(label) has \(node.outputs.count) outputs, expected \(shapes.count)")
            }
            for (output, shape) in zip(node.outputs, shapes) {
                // The loader's bound on declared shapes, so that every element count of the graph is safe to take.
                guard let count = Self.elementCount(shape), count <= Int(Int32.max) else {
                    throw .invalid("\(label): \(tensors[output].name) computes to \(shape), too many elements")
                }
                let declared = graph.tensors[output].shape
                guard declared.isEmpty || declared == shape else {
                    throw .invalid("\(label): \(tensors[output].name) is declared \(declared) but computes to \(shape)")
                }
                guard !known[output] else { throw .invalid("\(label) writes \(tensors[output].name), already written") }
                graph.tensors[output].shape = shape
                known[output] = true
            }
        }
        for output in outputs where !known[output] {
            throw .invalid("graph output \(tensors[output].name) is never written")
        }
        return graph
    }

    /// The shapes `node` writes, from its inputs' shapes (known: earlier nodes' outputs are inferred first), with
    /// every check on its operands. The ONNX loader calls it as it emits each node, to know shapes at load.
    func inferOutputShapes(_ node: Node, label: String) throws(ModelError) -> [[Int]] {
        func tensor(_ i: Int) throws(ModelError) -> Tensor {
            guard i < node.inputs.count else { throw .invalid("\(label) has \(node.inputs.count) inputs") }
            return tensors[node.inputs[i]]
        }
        guard let outputIndex = node.outputs.first else { throw .invalid("\(label) has no output") }
        let output = tensors[outputIndex]
        let input = try tensor(0)
        try checkNumeric(input, label: label)
        try checkNumeric(output, label: label)

        switch node.operation {
        case .conv2D(let parameters):
            let filter = try tensor(1)
            return [
                try convolutionShape(
                    input: input, filter: filter, output: output, window: parameters.window,
                    outputChannels: filter.shape.first ?? 0, filterInputChannels: filter.shape.last ?? 0,
                    bias: node.inputs.count > 2 ? try tensor(2) : nil, label: label)
            ]
        case .depthwiseConv2D(let parameters):
            let filter = try tensor(1)
            guard filter.shape.count == 4, filter.shape[0] == 1, parameters.depthMultiplier >= 1,
                input.shape.count == 4, filter.shape[3] == input.shape[3] * parameters.depthMultiplier
            else {
                throw .invalid(
                    "\(label): filter \(filter.shape) does not fit input \(input.shape) with depth "
                        + "multiplier \(parameters.depthMultiplier)")
            }
            return [
                try convolutionShape(
                    input: input, filter: filter, output: output, window: parameters.window,
                    outputChannels: filter.shape[3], filterInputChannels: nil,
                    bias: node.inputs.count > 2 ? try tensor(2) : nil, label: label)
            ]
        case .averagePool2D(let parameters), .maxPool2D(let parameters):
            try checkSameType(input, output, label: label)
            guard input.shape.count == 4,
                let geometry = parameters.window.geometry(
                    inputHeight: input.shape[1], inputWidth: input.shape[2],
                    filterHeight: parameters.filterHeight, filterWidth: parameters.filterWidth)
            else {
                throw .invalid(
                    "\(label): no \(parameters.filterHeight)x\(parameters.filterWidth) window fits \(input.shape)")
            }
            return [[input.shape[0], geometry.outputHeight, geometry.outputWidth, input.shape[3]]]
        case .reshape:
            try checkSameType(input, output, label: label)
            var shape = output.shape
            if node.inputs.count > 1, let newShape = try? tensor(1), newShape.isConstant, newShape.dataType == .int32 {
                shape = newShape.constantValues(Int32.self).map(Int.init)
            }
            if let wildcard = shape.firstIndex(of: -1) {
                var others = shape
                others.remove(at: wildcard)
                guard let known = Self.elementCount(others), known > 0, input.elementCount % known == 0 else {
                    throw .invalid("\(label): cannot reshape \(input.shape) to \(shape)")
                }
                shape[wildcard] = input.elementCount / known
            }
            guard shape.allSatisfy({ $0 >= 0 }), Self.elementCount(shape) == input.elementCount else {
                throw .invalid("\(label): cannot reshape \(input.shape) (\(input.elementCount) elements) to \(shape)")
            }
            return [shape]
        case .concatenation(let axis, _):
            let rank = input.shape.count
            let resolved = axis < 0 ? axis + rank : axis
            guard resolved >= 0, resolved < rank else { throw .invalid("\(label): axis \(axis) of rank \(rank)") }
            var shape = input.shape
            shape[resolved] = 0
            for i in 0..<node.inputs.count {
                let part = try tensor(i)
                try checkSameType(part, output, label: label)
                guard part.shape.count == rank,
                    (0..<rank).allSatisfy({ $0 == resolved || part.shape[$0] == input.shape[$0] })
                else {
                    throw .invalid("\(label): cannot concatenate \(part.shape) with \(input.shape) on axis \(axis)")
                }
                shape[resolved] += part.shape[resolved]
            }
            return [shape]
        case .add, .sub, .mul:
            let other = try tensor(1)
            try checkSameType(input, output, label: label)
            try checkSameType(other, output, label: label)
            guard input.shape == other.shape || other.elementCount == 1 || input.elementCount == 1 else {
                throw .unsupportedOperator(
                    name: node.operation.name, model: name,
                    reason: "broadcasting \(input.shape) with \(other.shape); only equal shapes or a scalar")
            }
            return [input.elementCount >= other.elementCount ? input.shape : other.shape]
        case .logistic, .relu, .relu6, .exp:
            try checkSameType(input, output, label: label)
            return [input.shape]
        case .softmax(let beta):
            try checkSameType(input, output, label: label)
            guard input.quantization == nil, beta.isFinite, !input.shape.isEmpty else {
                throw .unsupportedOperator(
                    name: node.operation.name, model: name, reason: "only float, with a finite beta, of rank 1 or more")
            }
            return [input.shape]
        case .slice(let begin, let size):
            try checkSameType(input, output, label: label)
            guard begin.count == input.shape.count, size.count == input.shape.count,
                (0..<begin.count).allSatisfy({
                    begin[$0] >= 0 && size[$0] >= 1 && begin[$0] <= input.shape[$0] - size[$0]
                })
            else { throw .invalid("\(label): slice at \(begin) of size \(size) leaves \(input.shape)") }
            return [size]
        case .quantize:
            guard output.quantization != nil, input.dataType == .float32 || input.quantization != nil else {
                throw .invalid("\(label): QUANTIZE from \(input.dataType) to unquantized \(output.dataType)")
            }
            return [input.shape]
        case .dequantize:
            guard input.quantization != nil, output.dataType == .float32 else {
                throw .invalid("\(label): DEQUANTIZE from \(input.dataType) to \(output.dataType)")
            }
            return [input.shape]
        case .custom:
            return []
        }
    }

    private func convolutionShape(
        input: Tensor, filter: Tensor, output: Tensor, window: Window, outputChannels: Int,
        filterInputChannels: Int?, bias: Tensor?, label: String
    ) throws(ModelError) -> [Int] {
        try checkSameType(input, output, label: label)
        try checkSameType(filter, output, label: label)
        guard filter.isConstant else {
            throw .unsupported("\(label): filter \(filter.name) is computed, not a constant")
        }
        guard input.shape.count == 4, filter.shape.count == 4, outputChannels > 0,
            filterInputChannels == nil || filterInputChannels == input.shape[3]
        else { throw .invalid("\(label): filter \(filter.shape) does not fit input \(input.shape)") }
        if let bias {
            let expected: DataType = output.quantization == nil ? .float32 : .int32
            guard bias.isConstant, bias.dataType == expected, bias.elementCount == outputChannels else {
                throw .invalid(
                    "\(label): bias \(bias.name) must be a constant \(expected)[\(outputChannels)], "
                        + "is \(bias.dataType)\(bias.shape)")
            }
        }
        guard
            let geometry = window.geometry(
                inputHeight: input.shape[1], inputWidth: input.shape[2],
                filterHeight: filter.shape[1], filterWidth: filter.shape[2])
        else { throw .invalid("\(label): no \(filter.shape[1])x\(filter.shape[2]) window fits \(input.shape)") }
        return [input.shape[0], geometry.outputHeight, geometry.outputWidth, outputChannels]
    }

    /// Elements of `shape`; nil when the product overflows, as a shape tensor's values (any Int32s) can make it.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// A quantized tensor's parameters within what the kernels' integer arithmetic is written for: a uint8 zero
    /// point in 0...255, as TFLite requires (the kernels add it to int32 accumulators and clamps), and a scale in
    /// 2^-60...2^60, so that the products and ratios of scales they take (a convolution's input x filter / output)
    /// stay finite in Float; trained models sit far inside both. A float32 tensor carries none (TFLite's float
    /// kernels ignore it, and a quantized-looking float tensor would be read as bytes).
    static func checkQuantization(_ tensor: Tensor) throws(ModelError) {
        guard let quantization = tensor.quantization else { return }
        guard tensor.dataType != .float32 else {
            throw .invalid("tensor \(tensor.name) is float32 with quantization (\(quantization))")
        }
        guard quantization.scale >= 0x1p-60, quantization.scale <= 0x1p60 else {
            throw .invalid("tensor \(tensor.name) has quantization scale \(quantization.scale), outside 2^-60...2^60")
        }
        guard tensor.dataType != .uint8 || Quantization.uint8Range.contains(quantization.zeroPoint) else {
            throw .invalid("tensor \(tensor.name) is uint8 with zero point \(quantization.zeroPoint)")
        }
    }

    /// The engine computes float32 and quantized uint8 tensors.
    private func checkNumeric(_ tensor: Tensor, label: String) throws(ModelError) {
        switch (tensor.dataType, tensor.quantization) {
        case (.float32, _), (.uint8, .some): return
        default:
            throw .unsupported(
                "\(label): tensor \(tensor.name) is \(tensor.dataType)"
                    + (tensor.quantization == nil ? " without quantization" : "") + "; the engine computes float32 and "
                    + "quantized uint8")
        }
    }

    private func checkSameType(_ a: Tensor, _ b: Tensor, label: String) throws(ModelError) {
        guard a.dataType == b.dataType, (a.quantization == nil) == (b.quantization == nil) else {
            throw .invalid("\(label): \(a.name) is \(a.dataType), \(b.name) is \(b.dataType)")
        }
    }
}
