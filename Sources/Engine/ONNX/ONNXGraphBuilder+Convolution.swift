#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ONNXGraphBuilder {
    /// Conv: a channels-first activation and a constant filter [M, C/group, kH, kW], as CONV_2D (group 1, filter
    /// re-laid [M, kH, kW, C]) or DEPTHWISE_CONV_2D (group C, filter [1, kH, kW, M]). Always given a bias (zeros
    /// when the node has none), so that a BatchNormalization after it folds into it.
    mutating func convertConvolution(
        _ node: ONNXProto.Node, inputs: [Value?], output: String, attributes: ONNXAttributes, label: String
    ) throws(ModelError) {
        func unsupported(_ reason: String) -> ModelError {
            .unsupportedOperator(name: "Conv", model: graph.name, reason: "\(label): \(reason)")
        }
        guard case .activation(let index, channelsFirst: true) = try input(inputs, 0, label) else {
            throw unsupported("the input must be a channels-first (NCHW) activation")
        }
        let weights = try constantInput(inputs, 1, label, what: "the filter \(inputName(node, 1))")
        let inputShape = graph.tensors[index].shape  // NHWC
        let channels = inputShape[3]
        guard weights.isFloat, weights.shape.count == 4, weights.elementCount > 0 else {
            throw unsupported("filter \(node.inputs[1]) is \(weights.dataType)\(weights.shape); expected float 4-D")
        }
        let (outputChannels, groupChannels, kernelHeight, kernelWidth) =
            (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        let kernel = try attributes.ints(
            "kernel_shape", count: 2, in: 1...Int64(Int32.max), default: [kernelHeight, kernelWidth])
        guard kernel == [kernelHeight, kernelWidth] else {
            throw .invalid("\(label): kernel_shape \(kernel) but the filter is \(weights.shape)")
        }
        let window = try window(
            attributes, inputShape: inputShape, kernel: (kernelHeight, kernelWidth), label: label,
            allowsDilation: true)
        let group = try attributes.int("group", default: 1)
        var bias = [Float](repeating: 0, count: outputChannels)
        if inputs.count > 2, inputs[2] != nil {
            let given = try constantInput(inputs, 2, label, what: "the bias \(node.inputs[2])")
            guard given.isFloat, given.elementCount == outputChannels else {
                throw .invalid("\(label): bias \(node.inputs[2]) is \(given.shape), expected [\(outputChannels)]")
            }
            bias = given.floats
        }
        let operation: Operation
        let filter: ONNXConstant
        if group == 1 {
            guard groupChannels == channels else {
                throw .invalid("\(label): filter \(weights.shape) does not fit \(channels) input channels")
            }
            operation = .conv2D(Conv2DParameters(window: window, activation: .none))
            filter = weights.transposed([0, 2, 3, 1])
        } else if group == Int64(channels), groupChannels == 1, outputChannels % channels == 0 {
            operation = .depthwiseConv2D(
                DepthwiseConv2DParameters(
                    window: window, depthMultiplier: outputChannels / channels, activation: .none))
            filter = weights.transposed([1, 2, 3, 0])
        } else {
            throw unsupported("\(group) groups of \(channels) channels; only 1 group or depthwise")
        }
        let filterIndex = addConstant(filter, name: "\(node.inputs[1]) (NHWC)")
        let biasIndex = addConstant(ONNXConstant(shape: [outputChannels], floats: bias), name: "\(output) bias")
        try emit(operation, inputs: [index, filterIndex, biasIndex], output: output, channelsFirst: true, label: label)
    }

    /// BatchNormalization (inference) folded into the convolution that feeds it: filter and bias scaled per output
    /// channel by gamma / sqrt(variance + epsilon), the bias shifted by beta - mean * that. Nothing runs for it.
    mutating func foldBatchNormalization(
        _ node: ONNXProto.Node, inputs: [Value?], output: String, attributes: ONNXAttributes, label: String
    ) throws(ModelError) {
        let value = try input(inputs, 0, label)
        guard case .activation(let index, true) = value, isFusible(index), let position = producer[index]
        else {
            throw .unsupportedOperator(
                name: node.opType, model: graph.name,
                reason: "\(label): only folded into a convolution whose output it alone reads")
        }
        let convolution = graph.nodes[position]
        let channels = graph.tensors[index].shape[3]
        switch convolution.operation {
        case .conv2D(let parameters) where parameters.activation == .none: break
        case .depthwiseConv2D(let parameters) where parameters.activation == .none: break
        default:
            throw .unsupportedOperator(
                name: node.opType, model: graph.name, reason: "\(label): only folded into a convolution before it")
        }
        var parameters: [[Float]] = []
        for (position, what) in ["scale", "B", "mean", "var"].enumerated() {
            let constant = try constantInput(inputs, position + 1, label, what: "BatchNormalization's \(what)")
            guard constant.isFloat, constant.elementCount == channels else {
                throw .invalid("\(label): \(what) has shape \(constant.shape), expected [\(channels)]")
            }
            parameters.append(constant.floats)
        }
        let epsilon = try attributes.float("epsilon", default: 1e-5)
        guard epsilon.isFinite, epsilon >= 0 else { throw .invalid("\(label): epsilon \(epsilon)") }
        let scales = (0..<channels).map { parameters[0][$0] / sqrtf(parameters[3][$0] + epsilon) }
        guard scales.allSatisfy(\.isFinite) else { throw .invalid("\(label): a variance + epsilon is not positive") }

        let (filterIndex, biasIndex) = (convolution.inputs[1], convolution.inputs[2])
        var filter = graph.tensors[filterIndex].constantFloats()
        // Output channels are the filter's outermost axis for CONV_2D and its innermost for DEPTHWISE_CONV_2D.
        let depthwise = isDepthwise(convolution)
        let perChannel = filter.count / channels
        for i in 0..<filter.count { filter[i] *= scales[depthwise ? i % channels : i / perChannel] }
        let bias = graph.tensors[biasIndex].constantFloats()
        let folded = (0..<channels).map { c in (bias[c] - parameters[2][c]) * scales[c] + parameters[1][c] }
        graph.tensors[filterIndex].data = ONNXConstant(shape: [], floats: filter).tensor(name: "").data
        graph.tensors[biasIndex].data = ONNXConstant(shape: [], floats: folded).tensor(name: "").data
        values[output] = value
    }

    private func isDepthwise(_ node: Node) -> Bool {
        if case .depthwiseConv2D = node.operation { return true }
        return false
    }

    /// MaxPool, AveragePool (padding not counted, as the engine's pooling averages only the input) and
    /// GlobalAveragePool, on a channels-first activation.
    mutating func convertPooling(
        _ node: ONNXProto.Node, inputs: [Value?], output: String, attributes: ONNXAttributes, label: String
    ) throws(ModelError) {
        func unsupported(_ reason: String) -> ModelError {
            .unsupportedOperator(name: node.opType, model: graph.name, reason: "\(label): \(reason)")
        }
        guard case .activation(let index, channelsFirst: true) = try input(inputs, 0, label) else {
            throw unsupported("the input must be a channels-first (NCHW) activation")
        }
        let shape = graph.tensors[index].shape
        let parameters: Pool2DParameters
        if node.opType == "GlobalAveragePool" {
            parameters = Pool2DParameters(
                window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), filterHeight: shape[1],
                filterWidth: shape[2], activation: .none)
        } else {
            let kernel = try attributes.ints("kernel_shape", count: 2, in: 1...Int64(Int32.max), default: [])
            guard kernel.count == 2 else { throw .invalid("\(label): no kernel_shape") }
            guard try attributes.int("ceil_mode", default: 0) == 0 else { throw unsupported("ceil_mode 1") }
            let window = try window(
                attributes, inputShape: shape, kernel: (kernel[0], kernel[1]), label: label, allowsDilation: false)
            if node.opType == "AveragePool", try attributes.int("count_include_pad", default: 0) != 0,
                window.padding != .valid, window.padding != .explicit(top: 0, left: 0, bottom: 0, right: 0)
            {
                throw unsupported("count_include_pad 1 with padding")
            }
            parameters = Pool2DParameters(
                window: window, filterHeight: kernel[0], filterWidth: kernel[1], activation: .none)
        }
        try emit(
            node.opType == "MaxPool" ? .maxPool2D(parameters) : .averagePool2D(parameters), inputs: [index],
            output: output, channelsFirst: true, label: label)
    }

    /// strides, dilations, pads and auto_pad as a window. SAME_UPPER is TensorFlow's SAME; SAME_LOWER puts the odd
    /// padding first, given explicitly.
    private func window(
        _ attributes: ONNXAttributes, inputShape: [Int], kernel: (height: Int, width: Int), label: String,
        allowsDilation: Bool
    ) throws(ModelError) -> Window {
        let limit: ClosedRange<Int64> = 1...65_536
        let strides = try attributes.ints("strides", count: 2, in: limit, default: [1, 1])
        let dilations = try attributes.ints("dilations", count: 2, in: limit, default: [1, 1])
        guard allowsDilation || dilations == [1, 1] else {
            throw .unsupportedOperator(name: attributes.node.opType, model: graph.name, reason: "\(label): dilations")
        }
        let padding: Padding
        switch try attributes.string("auto_pad", default: "NOTSET") {
        case "NOTSET", "":
            let pads = try attributes.ints("pads", count: 4, in: 0...65_536, default: [0, 0, 0, 0])
            padding = .explicit(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3])
        case "VALID": padding = .valid
        case "SAME_UPPER": padding = .same
        case "SAME_LOWER":
            func total(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> Int {
                let output = (input + stride - 1) / stride
                return max((output - 1) * stride + (filter - 1) * dilation + 1 - input, 0)
            }
            let vertical = total(inputShape[1], kernel.height, strides[0], dilations[0])
            let horizontal = total(inputShape[2], kernel.width, strides[1], dilations[1])
            padding = .explicit(
                top: vertical - vertical / 2, left: horizontal - horizontal / 2, bottom: vertical / 2,
                right: horizontal / 2)
        case let other: throw .invalid("\(label): auto_pad \(other)")
        }
        return Window(
            padding: padding, strideHeight: strides[0], strideWidth: strides[1], dilationHeight: dilations[0],
            dilationWidth: dilations[1])
    }
}
