import Engine

extension CUDAModel {
    /// Plans the launches of one node (RESHAPE needs none: it aliases its input).
    func planNode(_ node: Node, address: (Int) -> CUdeviceptr) throws(CUDAError) {
        let tensors = graph.tensors
        let input = tensors[node.inputs[0]], output = tensors[node.outputs[0]]
        let count = output.elementCount
        switch node.operation {
        case .reshape, .custom:
            return
        case .sub, .exp, .softmax, .slice:
            preconditionFailure("refused by CUDABackend.unsupportedReason")
        case .conv2D(let parameters):
            try planConvolution(
                node, window: parameters.window, activation: parameters.activation, multiplier: nil,
                address: address)
        case .depthwiseConv2D(let parameters):
            try planConvolution(
                node, window: parameters.window, activation: parameters.activation,
                multiplier: parameters.depthMultiplier, address: address)
        case .averagePool2D(let parameters), .maxPool2D(let parameters):
            var average = false
            if case .averagePool2D = node.operation { average = true }
            let geometry = parameters.window.geometry(
                inputHeight: input.shape[1], inputWidth: input.shape[2],
                filterHeight: parameters.filterHeight, filterWidth: parameters.filterWidth)!
            let range = StoredValues.range(output.quantization, parameters.activation)
            addLaunch("pool", elements: count) {
                $0.add(device: address(node.inputs[0])); $0.add(device: address(node.outputs[0]))
                for value in [
                    input.shape[0], input.shape[1], input.shape[2], input.shape[3], geometry.outputHeight,
                    geometry.outputWidth, parameters.filterHeight, parameters.filterWidth,
                    parameters.window.strideHeight,
                    parameters.window.strideWidth, geometry.padTop, geometry.padLeft,
                ] { $0.add(Int32(value)) }
                $0.add(Int32(average ? 1 : 0)); $0.add(Int32(output.quantization == nil ? 0 : 1))
                $0.add(Float(input.quantization?.zeroPoint ?? 0)); $0.add(range.lowerBound); $0.add(range.upperBound)
            }
        case .concatenation(let axis, let activation):
            let resolved = axis < 0 ? axis + output.shape.count : axis
            let outer = output.shape[..<resolved].reduce(1, *), inner = output.shape[(resolved + 1)...].reduce(1, *)
            let range = StoredValues.range(output.quantization, activation)
            var offset = 0
            for index in node.inputs {
                let part = tensors[index]
                let row = part.shape[resolved] * inner
                let rescale = part.quantization != output.quantization || activation != .none
                let ratio = (part.quantization?.scale ?? 1) / (output.quantization?.scale ?? 1)
                let start = offset
                addLaunch("copy_rescale", elements: outer * row) {
                    $0.add(device: address(index)); $0.add(device: address(node.outputs[0]))
                    $0.add(Int32(outer)); $0.add(Int32(row)); $0.add(Int32(output.shape[resolved] * inner))
                    $0.add(Int32(start)); $0.add(ratio); $0.add(Int32(rescale ? 1 : 0))
                    $0.add(Int32(output.quantization == nil ? 0 : 1)); $0.add(range.lowerBound);
                    $0.add(range.upperBound)
                }
                offset += row
            }
        case .add(let activation), .mul(let activation):
            var multiply = false
            if case .mul = node.operation { multiply = true }
            let other = tensors[node.inputs[1]]
            let range = StoredValues.range(output.quantization, activation)
            addLaunch("binary", elements: count) {
                $0.add(device: address(node.inputs[0])); $0.add(device: address(node.inputs[1]))
                $0.add(device: address(node.outputs[0])); $0.add(Int32(count)); $0.add(Int32(input.elementCount))
                $0.add(Int32(other.elementCount)); $0.add(input.quantization?.scale ?? 1)
                $0.add(other.quantization?.scale ?? 1); $0.add(Int32(multiply ? 1 : 0))
                $0.add(output.quantization?.scale ?? 1); $0.add(Int32(output.quantization == nil ? 0 : 1))
                $0.add(range.lowerBound); $0.add(range.upperBound)
            }
        case .logistic, .relu, .relu6, .quantize, .dequantize:
            // The kernel's own codes for the float path: 0 identity, 1 logistic, 2 relu, 3 relu6.
            let code: Int32
            switch node.operation {
            case .logistic: code = 1
            case .relu: code = 2
            case .relu6: code = 3
            default: code = 0
            }
            if let quantization = input.quantization {
                // 256 possible inputs: tabulate on the host, as TFLite and the CPU backend do.
                let device = try uploadTable(
                    StoredValues.table(
                        input: quantization, output: output.quantization,
                        StoredValues.realFunction(of: node.operation)!))
                addLaunch("lut_map", elements: count) {
                    $0.add(device: address(node.inputs[0])); $0.add(device: address(node.outputs[0]));
                    $0.add(device: device)
                    $0.add(Int32(count)); $0.add(Int32(quantization.zeroPoint))
                }
            } else {
                let range = StoredValues.range(output.quantization, .none)
                addLaunch("unary_float", elements: count) {
                    $0.add(device: address(node.inputs[0])); $0.add(device: address(node.outputs[0]));
                    $0.add(Int32(count))
                    $0.add(code); $0.add(output.quantization?.scale ?? 1);
                    $0.add(Int32(output.quantization == nil ? 0 : 1))
                    $0.add(range.lowerBound); $0.add(range.upperBound)
                }
            }
        }
    }

    /// CONV_2D (filter transposed to [KH][KW][C][OC] for coalesced reads) and DEPTHWISE_CONV_2D, with TFLite's
    /// requantization (or the float bias and clamp) fused.
    private func planConvolution(
        _ node: Node, window: Window, activation: FusedActivation, multiplier: Int?,
        address: (Int) -> CUdeviceptr
    ) throws(CUDAError) {
        let tensors = graph.tensors
        let input = tensors[node.inputs[0]], filter = tensors[node.inputs[1]], output = tensors[node.outputs[0]]
        let (kh, kw) = (filter.shape[1], filter.shape[2])
        let outputChannels = output.shape[3]
        var weights = StoredValues.of(filter)
        if multiplier == nil {
            let channels = filter.shape[3]
            var transposed = [Float](repeating: 0, count: weights.count)
            for oc in 0..<outputChannels {
                for k in 0..<(kh * kw * channels) {
                    transposed[k * outputChannels + oc] = weights[oc * kh * kw * channels + k]
                }
            }
            weights = transposed
        }
        let filterDevice = try uploadTable(weights)
        let hasBias = node.inputs.count > 2
        let quantized = output.quantization != nil
        let biasQ: CUdeviceptr =
            quantized && hasBias ? try uploadIntegers(tensors[node.inputs[2]].constantValues(Int32.self)) : 0
        let biasF: CUdeviceptr = !quantized && hasBias ? try uploadTable(tensors[node.inputs[2]].constantFloats()) : 0
        var significand: Int32 = 0, shift = 0
        var low: Int32 = 0, high: Int32 = 255, zeroPoint: Int32 = 0
        if let inputQ = input.quantization, let filterQ = filter.quantization, let outputQ = output.quantization {
            let multiplierQ = QuantizedMultiplier(Double(inputQ.scale * filterQ.scale) / Double(outputQ.scale))
            (significand, shift) = (multiplierQ.significand, multiplierQ.shift)
            let range = outputQ.activationRange(activation)
            (low, high, zeroPoint) = (range.lowerBound, range.upperBound, outputQ.zeroPoint)
        }
        let floatRange = activation.range
        let geometry = window.geometry(
            inputHeight: input.shape[1], inputWidth: input.shape[2], filterHeight: kh,
            filterWidth: kw)!
        addLaunch(multiplier == nil ? "conv2d" : "depthwise", elements: output.elementCount) {
            $0.add(device: address(node.inputs[0])); $0.add(device: filterDevice);
            $0.add(device: address(node.outputs[0]))
            $0.add(device: biasQ); $0.add(device: biasF)
            for value in [
                input.shape[0], input.shape[1], input.shape[2], input.shape[3], geometry.outputHeight,
                geometry.outputWidth, outputChannels, kh, kw, window.strideHeight, window.strideWidth,
                window.dilationHeight, window.dilationWidth, geometry.padTop, geometry.padLeft,
            ] { $0.add(Int32(value)) }
            if let multiplier { $0.add(Int32(multiplier)) }
            $0.add(Int32(quantized ? 1 : 0)); $0.add(significand); $0.add(Int32(shift)); $0.add(zeroPoint)
            $0.add(low); $0.add(high); $0.add(max(floatRange.lower, -Float.greatestFiniteMagnitude))
            $0.add(min(floatRange.upper, Float.greatestFiniteMagnitude))
        }
    }
}
