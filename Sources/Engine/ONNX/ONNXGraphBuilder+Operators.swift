#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ONNXGraphBuilder {
    /// Converts one node: folds it when its inputs are constants, fuses it into its producer where it can, else
    /// emits the engine's op.
    mutating func convert(_ node: ONNXProto.Node, label: String) throws(ModelError) {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw .unsupportedOperator(name: "\(node.domain).\(node.opType)", model: graph.name, reason: label)
        }
        guard let output = node.outputs.first, !output.isEmpty else { throw .invalid("\(label) has no output") }
        let inputs = try inputValues(node, label: label)
        func unsupported(_ reason: String) -> ModelError {
            .unsupportedOperator(name: node.opType, model: graph.name, reason: "\(label): \(reason)")
        }
        let attributes = ONNXAttributes(node: node, label: label)

        switch node.opType {
        case "Constant":
            values[output] = .constant(try constantAttribute(node, label: label))
        case "Identity", "Dropout":
            values[output] = try input(inputs, 0, label)
        case "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Concat", "Reshape", "Flatten", "Transpose", "Slice":
            try convertShapeOperator(node, inputs: inputs, output: output, attributes: attributes, label: label)
        case "Conv":
            try convertConvolution(node, inputs: inputs, output: output, attributes: attributes, label: label)
        case "BatchNormalization":
            try foldBatchNormalization(node, inputs: inputs, output: output, attributes: attributes, label: label)
        case "Relu":
            try convertActivation(.relu, node: node, inputs: inputs, output: output, label: label)
        case "Clip":
            let (lower, upper) = try clipRange(node, inputs: inputs, attributes: attributes, label: label)
            if lower == 0 && upper == 6 {
                try convertActivation(.relu6, node: node, inputs: inputs, output: output, label: label)
            } else if lower == 0 && upper == .infinity {
                try convertActivation(.relu, node: node, inputs: inputs, output: output, label: label)
            } else {
                throw unsupported("Clip to [\(lower), \(upper)]; only [0, 6] (ReLU6) and [0, inf) (ReLU)")
            }
        case "Sigmoid", "Exp":
            let value = try input(inputs, 0, label)
            guard case .activation(let index, let channelsFirst) = value else {
                values[output] = .constant(try foldUnary(node.opType, value, label: label))
                return
            }
            try emit(
                node.opType == "Exp" ? .exp : .logistic, inputs: [index], output: output, channelsFirst: channelsFirst,
                label: label)
        case "Softmax":
            guard case .activation(let index, false) = try input(inputs, 0, label) else {
                throw unsupported("softmax of a constant or of a channels-first activation")
            }
            let rank = graph.tensors[index].shape.count
            let axis = try attributes.axis(default: model.opsetVersion >= 13 ? -1 : 1, rank: rank)
            guard axis == rank - 1 else {
                throw unsupported("softmax over axis \(axis) of rank \(rank); only the last")
            }
            try emit(.softmax(beta: 1), inputs: [index], output: output, label: label)
        case "Add", "Sub", "Mul", "Div":
            try convertArithmetic(node, inputs: inputs, output: output, label: label)
        case "MaxPool", "AveragePool", "GlobalAveragePool":
            try convertPooling(node, inputs: inputs, output: output, attributes: attributes, label: label)
        default:
            throw .unsupportedOperator(name: node.opType, model: graph.name, reason: label)
        }
    }

    /// The node's inputs by position; nil where the node omits an optional one ("").
    func inputValues(_ node: ONNXProto.Node, label: String) throws(ModelError) -> [Value?] {
        var found: [Value?] = []
        for name in node.inputs {
            if name.isEmpty {
                found.append(nil)
                continue
            }
            guard let value = values[name] else {
                throw .invalid("\(label) reads \(name) before anything writes it (unsorted or cyclic graph)")
            }
            found.append(value)
        }
        return found
    }

    /// The name of input `position`, for messages: "" where the node has fewer (a hostile file's Conv may have one).
    func inputName(_ node: ONNXProto.Node, _ position: Int) -> String {
        position < node.inputs.count ? node.inputs[position] : ""
    }

    func input(_ inputs: [Value?], _ position: Int, _ label: String) throws(ModelError) -> Value {
        guard position < inputs.count, let value = inputs[position] else {
            throw .invalid("\(label) has no input \(position)")
        }
        return value
    }

    func constantInput(_ inputs: [Value?], _ position: Int, _ label: String, what: String) throws(ModelError)
        -> ONNXConstant
    {
        guard case .constant(let constant) = try input(inputs, position, label) else {
            throw .unsupported(
                "\(label): \(what) is computed at run time; the engine needs it constant (static shapes)")
        }
        return constant
    }

    private func constantAttribute(_ node: ONNXProto.Node, label: String) throws(ModelError) -> ONNXConstant {
        switch node.attributes["value"] ?? node.attributes["value_float"] ?? node.attributes["value_int"]
            ?? node.attributes["value_floats"] ?? node.attributes["value_ints"]
        {
        case .tensor(let tensor): return try constant(tensor, what: "\(label)'s value")
        case .float(let value): return ONNXConstant(shape: [], floats: [value])
        case .int(let value): return ONNXConstant(shape: [], integers: [value])
        case .floats(let values): return ONNXConstant(shape: [values.count], floats: values)
        case .ints(let values): return ONNXConstant(shape: [values.count], integers: values)
        default: throw .unsupported("\(label): a Constant without a tensor, float or int value")
        }
    }

    /// Relu or ReLU6 into the convolution or addition before it when this is its one reader, else its own op.
    private mutating func convertActivation(
        _ activation: FusedActivation, node: ONNXProto.Node, inputs: [Value?], output: String, label: String
    ) throws(ModelError) {
        let value = try input(inputs, 0, label)
        guard case .activation(let index, let channelsFirst) = value else {
            throw .unsupportedOperator(name: node.opType, model: graph.name, reason: "\(label): of a constant")
        }
        if isFusible(index), let position = producer[index],
            let fused = graph.nodes[position].operation.fusing(activation)
        {
            graph.nodes[position].operation = fused
            values[output] = value
            return
        }
        try emit(
            activation == .relu ? .relu : .relu6, inputs: [index], output: output, channelsFirst: channelsFirst,
            label: label)
    }

    private func clipRange(_ node: ONNXProto.Node, inputs: [Value?], attributes: ONNXAttributes, label: String)
        throws(ModelError) -> (Float, Float)
    {
        if model.opsetVersion < 11 {
            return (try attributes.float("min", default: -.infinity), try attributes.float("max", default: .infinity))
        }
        func bound(_ position: Int, _ fallback: Float) throws(ModelError) -> Float {
            guard position < inputs.count, inputs[position] != nil else { return fallback }
            let constant = try constantInput(inputs, position, label, what: "Clip's bound")
            guard constant.elementCount == 1 else { throw .invalid("\(label): Clip's bound is not a scalar") }
            return Float(constant.doubles[0])
        }
        return (try bound(1, -.infinity), try bound(2, .infinity))
    }

    private func foldUnary(_ opType: String, _ value: Value, label: String) throws(ModelError) -> ONNXConstant {
        guard case .constant(let constant) = value, constant.isFloat else {
            throw .unsupported("\(label): \(opType) of a non-float constant")
        }
        let function: (Float) -> Float = opType == "Exp" ? { expf($0) } : { 1 / (1 + expf(-$0)) }
        return ONNXConstant(shape: constant.shape, floats: constant.floats.map(function))
    }
}

extension Operation {
    /// The op with `activation` fused into its output, where it has a fused activation that is still none.
    fileprivate func fusing(_ activation: FusedActivation) -> Operation? {
        switch self {
        case .conv2D(var parameters) where parameters.activation == .none:
            parameters.activation = activation
            return .conv2D(parameters)
        case .depthwiseConv2D(var parameters) where parameters.activation == .none:
            parameters.activation = activation
            return .depthwiseConv2D(parameters)
        case .add(.none): return .add(activation: activation)
        case .sub(.none): return .sub(activation: activation)
        case .mul(.none): return .mul(activation: activation)
        default: return nil
        }
    }
}
