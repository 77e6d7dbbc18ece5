extension ReferenceKernels {
    // MARK: Element-wise

    /// ADD, SUB and MUL of equal shapes, or of a tensor and a one-element tensor.
    func arithmetic(_ arithmetic: ElementwiseArithmetic, activation: FusedActivation) {
        let a = input(0), b = input(1)
        let count = output.elementCount
        if let qa = a.quantization, let qb = b.quantization, let qo = output.quantization {
            let x = model.values(node.inputs[0], as: UInt8.self), y = model.values(node.inputs[1], as: UInt8.self)
            let out = model.values(node.outputs[0], as: UInt8.self)
            let range = qo.activationRange(activation)
            if arithmetic == .multiply {
                let requantize = QuantizedMultiplier(Double(qa.scale * qb.scale) / Double(qo.scale))
                for i in 0..<count {
                    let product =
                        (Int32(x[i % a.elementCount]) - qa.zeroPoint) * (Int32(y[i % b.elementCount]) - qb.zeroPoint)
                    out[i] = UInt8(min(max(requantize(product) &+ qo.zeroPoint, range.lowerBound), range.upperBound))
                }
            } else {
                // TFLite's quantized ADD and SUB: both inputs to a common scale with 20 bits of headroom, sum (or
                // difference), requantize.
                let leftShift: Int32 = 20
                let twiceMaximumScale = 2 * Double(max(qa.scale, qb.scale))
                let scaleA = QuantizedMultiplier(Double(qa.scale) / twiceMaximumScale)
                let scaleB = QuantizedMultiplier(Double(qb.scale) / twiceMaximumScale)
                let scaleOutput = QuantizedMultiplier(twiceMaximumScale / (Double(1 << leftShift) * Double(qo.scale)))
                for i in 0..<count {
                    let left = scaleA((Int32(x[i % a.elementCount]) - qa.zeroPoint) << leftShift)
                    let right = scaleB((Int32(y[i % b.elementCount]) - qb.zeroPoint) << leftShift)
                    let value = scaleOutput(arithmetic == .subtract ? left - right : left + right) &+ qo.zeroPoint
                    out[i] = UInt8(min(max(value, range.lowerBound), range.upperBound))
                }
            }
        } else {
            let x = model.values(node.inputs[0], as: Float.self), y = model.values(node.inputs[1], as: Float.self)
            let out = model.values(node.outputs[0], as: Float.self)
            let range = activation.range
            for i in 0..<count {
                let (u, v) = (x[i % a.elementCount], y[i % b.elementCount])
                out[i] = min(max(arithmetic.apply(u, v), range.lower), range.upper)
            }
        }
    }

    /// A function of one real value. Quantized, it is TFLite's lookup table: dequantize, apply, round, clamp.
    func unary(quantized: Bool, _ function: (Float) -> Float) {
        let count = output.elementCount
        if quantized, let inputQ = input(0).quantization, let outputQ = output.quantization {
            let x = model.values(node.inputs[0], as: UInt8.self), out = model.values(node.outputs[0], as: UInt8.self)
            let inverseScale = 1 / outputQ.scale
            for i in 0..<count {
                let value =
                    Quantization.steps(function(inputQ.dequantize(Int32(x[i]))) * inverseScale) + outputQ.zeroPoint
                out[i] = UInt8(min(max(value, 0), 255))
            }
        } else {
            let x = model.values(node.inputs[0], as: Float.self), out = model.values(node.outputs[0], as: Float.self)
            for i in 0..<count { out[i] = function(x[i]) }
        }
    }

    /// Quantized RELU and RELU6: requantize to the output's parameters, clamp to the activation's range.
    func quantizedRelu(_ activation: FusedActivation) {
        guard let inputQ = input(0).quantization, let outputQ = output.quantization else { return }
        let x = model.values(node.inputs[0], as: UInt8.self), out = model.values(node.outputs[0], as: UInt8.self)
        let requantize = QuantizedMultiplier(Double(inputQ.scale / outputQ.scale))
        let range = outputQ.activationRange(activation)
        for i in 0..<output.elementCount {
            let value = outputQ.zeroPoint &+ requantize(Int32(x[i]) - inputQ.zeroPoint)
            out[i] = UInt8(min(max(value, range.lowerBound), range.upperBound))
        }
    }

    func quantize(from source: Tensor, to destination: Tensor) {
        guard let outputQ = destination.quantization else { return }
        let out = model.values(node.outputs[0], as: UInt8.self)
        if let inputQ = source.quantization {
            let x = model.values(node.inputs[0], as: UInt8.self)
            let requantize = QuantizedMultiplier(Double(inputQ.scale) / Double(outputQ.scale))
            for i in 0..<destination.elementCount {
                out[i] = UInt8(min(max(requantize(Int32(x[i]) - inputQ.zeroPoint) &+ outputQ.zeroPoint, 0), 255))
            }
        } else {
            let x = model.values(node.inputs[0], as: Float.self)
            for i in 0..<destination.elementCount {
                let real = x[i]
                let value = real.isFinite ? outputQ.quantize(min(max(real, -1e9), 1e9)) : (real > 0 ? 255 : 0)
                out[i] = UInt8(min(max(value, 0), 255))
            }
        }
    }

    func dequantize(from source: Tensor) {
        guard let inputQ = source.quantization else { return }
        let x = model.values(node.inputs[0], as: UInt8.self), out = model.values(node.outputs[0], as: Float.self)
        for i in 0..<source.elementCount { out[i] = inputQ.dequantize(Int32(x[i])) }
    }
}

extension ReferenceKernels {
    // MARK: Softmax and slice

    /// exp(beta * (x - max)) / sum over each row of the last axis: the textbook formula, the max subtracted so that
    /// no exponential overflows.
    func softmax(beta: Float) {
        let x = model.values(node.inputs[0], as: Float.self), out = model.values(node.outputs[0], as: Float.self)
        let row = output.shape.last!
        for start in stride(from: 0, to: output.elementCount, by: row) {
            let largest = x[start..<(start + row)].max()!
            var sum: Float = 0
            for i in start..<(start + row) {
                out[i] = ReferenceKernels.exp(beta * (x[i] - largest))
                sum += out[i]
            }
            for i in start..<(start + row) { out[i] /= sum }
        }
    }

    /// The block at `begin` of the output's shape, element by element through its multi-index.
    func slice(begin: [Int]) {
        if output.dataType == .float32 {
            slice(begin: begin, as: Float.self)
        } else {
            slice(begin: begin, as: UInt8.self)
        }
    }

    private func slice<T>(begin: [Int], as _: T.Type) {
        let source = input(0)
        let x = model.values(node.inputs[0], as: T.self), out = model.values(node.outputs[0], as: T.self)
        var index = [Int](repeating: 0, count: output.shape.count)
        for element in 0..<output.elementCount {
            var remainder = element
            for axis in (0..<index.count).reversed() {
                index[axis] = remainder % output.shape[axis]
                remainder /= output.shape[axis]
            }
            var offset = 0
            for axis in 0..<index.count { offset = offset * source.shape[axis] + begin[axis] + index[axis] }
            out[element] = x[offset]
        }
    }
}
