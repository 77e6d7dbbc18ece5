#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reference kernels of one node: plain loops over its tensors' buffers.
///
/// Quantized (uint8) ops follow TFLite's reference kernels step for step, including where they round and in what
/// precision they compute a multiplier; float ops are the textbook formulas.
struct ReferenceKernels {
    let model: ReferenceModel
    let node: Node

    private var tensors: [Tensor] { model.graph.tensors }
    private func input(_ i: Int) -> Tensor { tensors[node.inputs[i]] }
    private var output: Tensor { tensors[node.outputs[0]] }
    private var isQuantized: Bool { output.quantization != nil }

    static func exp(_ x: Float) -> Float { expf(x) }

    // MARK: Convolution

    /// CONV_2D (depthMultiplier nil) and DEPTHWISE_CONV_2D.
    func convolution(window: Window, depthMultiplier: Int?, activation: FusedActivation) {
        let source = input(0), filter = input(1)
        let (batches, height, width, channels) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
        let (filterHeight, filterWidth) = (filter.shape[1], filter.shape[2])
        let (outputHeight, outputWidth, outputChannels) = (output.shape[1], output.shape[2], output.shape[3])
        let geometry = window.geometry(inputHeight: height, inputWidth: width, filterHeight: filterHeight,
            filterWidth: filterWidth)!
        let hasBias = node.inputs.count > 2

        /// Calls `tap` with (input index, filter index) for every product of output element (b, y, x, c).
        func taps(_ b: Int, _ y: Int, _ x: Int, _ c: Int, _ tap: (Int, Int) -> Void) {
            for ky in 0..<filterHeight {
                let iy = y * window.strideHeight - geometry.padTop + ky * window.dilationHeight
                guard iy >= 0, iy < height else { continue }
                for kx in 0..<filterWidth {
                    let ix = x * window.strideWidth - geometry.padLeft + kx * window.dilationWidth
                    guard ix >= 0, ix < width else { continue }
                    let pixel = ((b * height + iy) * width + ix) * channels
                    if let depthMultiplier {
                        tap(pixel + c / depthMultiplier, (ky * filterWidth + kx) * outputChannels + c)
                    } else {
                        for ic in 0..<channels { tap(pixel + ic, ((c * filterHeight + ky) * filterWidth + kx) * channels + ic) }
                    }
                }
            }
        }

        if let inputQ = source.quantization, let filterQ = filter.quantization, let outputQ = output.quantization {
            let x = model.values(node.inputs[0], as: UInt8.self), w = model.values(node.inputs[1], as: UInt8.self)
            let bias = hasBias ? model.values(node.inputs[2], as: Int32.self) : nil
            let out = model.values(node.outputs[0], as: UInt8.self)
            // TFLite multiplies the two scales in float, then divides in double (GetQuantizedConvolutionMultipler).
            let requantize = QuantizedMultiplier(Double(inputQ.scale * filterQ.scale) / Double(outputQ.scale))
            let range = outputQ.activationRange(activation)
            var index = 0
            for b in 0..<batches {
                for y in 0..<outputHeight {
                    for x0 in 0..<outputWidth {
                        for c in 0..<outputChannels {
                            var sum: Int32 = 0
                            taps(b, y, x0, c) { i, f in
                                sum += (Int32(x[i]) - inputQ.zeroPoint) * (Int32(w[f]) - filterQ.zeroPoint)
                            }
                            sum += bias?[c] ?? 0
                            let value = requantize(sum) + outputQ.zeroPoint
                            out[index] = UInt8(min(max(value, range.lowerBound), range.upperBound))
                            index += 1
                        }
                    }
                }
            }
        } else {
            let x = model.values(node.inputs[0], as: Float.self), w = model.values(node.inputs[1], as: Float.self)
            let bias = hasBias ? model.values(node.inputs[2], as: Float.self) : nil
            let out = model.values(node.outputs[0], as: Float.self)
            let range = activation.range
            var index = 0
            for b in 0..<batches {
                for y in 0..<outputHeight {
                    for x0 in 0..<outputWidth {
                        for c in 0..<outputChannels {
                            var sum: Float = 0
                            taps(b, y, x0, c) { i, f in sum += x[i] * w[f] }
                            sum += bias?[c] ?? 0
                            out[index] = min(max(sum, range.lower), range.upper)
                            index += 1
                        }
                    }
                }
            }
        }
    }

    // MARK: Pooling

    func pool(_ parameters: Pool2DParameters, average: Bool) {
        let source = input(0)
        let (batches, height, width, channels) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
        let geometry = parameters.window.geometry(inputHeight: height, inputWidth: width,
            filterHeight: parameters.filterHeight, filterWidth: parameters.filterWidth)!
        let window = parameters.window
        /// The input indices of the window of output (b, y, x, c).
        func windowIndices(_ b: Int, _ y: Int, _ x: Int, _ c: Int) -> [Int] {
            var indices: [Int] = []
            for ky in 0..<parameters.filterHeight {
                let iy = y * window.strideHeight - geometry.padTop + ky
                guard iy >= 0, iy < height else { continue }
                for kx in 0..<parameters.filterWidth {
                    let ix = x * window.strideWidth - geometry.padLeft + kx
                    guard ix >= 0, ix < width else { continue }
                    indices.append(((b * height + iy) * width + ix) * channels + c)
                }
            }
            return indices
        }
        var index = 0
        for b in 0..<batches {
            for y in 0..<geometry.outputHeight {
                for x in 0..<geometry.outputWidth {
                    for c in 0..<channels {
                        let taps = windowIndices(b, y, x, c)
                        if let quantization = output.quantization {
                            let x = model.values(node.inputs[0], as: UInt8.self)
                            let range = quantization.activationRange(parameters.activation)
                            let count = Int32(taps.count)
                            var sum: Int32 = 0, largest: Int32 = 0
                            for tap in taps {
                                sum += Int32(x[tap])
                                largest = max(largest, Int32(x[tap]))
                            }
                            // TFLite rounds the quantized average half up.
                            let value = average ? (sum + count / 2) / count : largest
                            model.values(node.outputs[0], as: UInt8.self)[index] =
                                UInt8(min(max(value, range.lowerBound), range.upperBound))
                        } else {
                            let x = model.values(node.inputs[0], as: Float.self)
                            let range = parameters.activation.range
                            var sum: Float = 0, largest = -Float.infinity
                            for tap in taps {
                                sum += x[tap]
                                largest = max(largest, x[tap])
                            }
                            let value = average ? sum / Float(taps.count) : largest
                            model.values(node.outputs[0], as: Float.self)[index] = min(max(value, range.lower), range.upper)
                        }
                        index += 1
                    }
                }
            }
        }
    }

    // MARK: Concatenation

    func concatenation(axis: Int, activation: FusedActivation) {
        let rank = output.shape.count
        let axis = axis < 0 ? axis + rank : axis
        let outer = output.shape[..<axis].reduce(1, *)
        let inner = output.shape[(axis + 1)...].reduce(1, *)
        let outputRow = output.shape[axis] * inner
        var offset = 0
        for (position, tensorIndex) in node.inputs.enumerated() {
            let part = input(position)
            let row = part.shape[axis] * inner
            for o in 0..<outer {
                for i in 0..<row {
                    let from = o * row + i, to = o * outputRow + offset + i
                    if let outputQ = output.quantization, let inputQ = part.quantization {
                        let x = model.values(tensorIndex, as: UInt8.self)
                        let range = outputQ.activationRange(activation)
                        var value = Int32(x[from])
                        if inputQ != outputQ {
                            // TFLite's ConcatenationWithScaling: float scale and bias, std::round.
                            let scale = inputQ.scale * (1 / outputQ.scale)
                            let bias = -Float(inputQ.zeroPoint) * scale
                            value = Int32((Float(value) * scale + bias).rounded()) + outputQ.zeroPoint
                        }
                        model.values(node.outputs[0], as: UInt8.self)[to] =
                            UInt8(min(max(value, range.lowerBound), range.upperBound))
                    } else {
                        let range = activation.range
                        model.values(node.outputs[0], as: Float.self)[to] =
                            min(max(model.values(tensorIndex, as: Float.self)[from], range.lower), range.upper)
                    }
                }
            }
            offset += row
        }
    }

    // MARK: Element-wise

    /// ADD and MUL of equal shapes, or of a tensor and a one-element tensor.
    func arithmetic(activation: FusedActivation, multiply: Bool) {
        let a = input(0), b = input(1)
        let count = output.elementCount
        if let qa = a.quantization, let qb = b.quantization, let qo = output.quantization {
            let x = model.values(node.inputs[0], as: UInt8.self), y = model.values(node.inputs[1], as: UInt8.self)
            let out = model.values(node.outputs[0], as: UInt8.self)
            let range = qo.activationRange(activation)
            if multiply {
                let requantize = QuantizedMultiplier(Double(qa.scale * qb.scale) / Double(qo.scale))
                for i in 0..<count {
                    let product = (Int32(x[i % a.elementCount]) - qa.zeroPoint) * (Int32(y[i % b.elementCount]) - qb.zeroPoint)
                    out[i] = UInt8(min(max(requantize(product) + qo.zeroPoint, range.lowerBound), range.upperBound))
                }
            } else {
                // TFLite's quantized ADD: both inputs to a common scale with 20 bits of headroom, sum, requantize.
                let leftShift: Int32 = 20
                let twiceMaximumScale = 2 * Double(max(qa.scale, qb.scale))
                let scaleA = QuantizedMultiplier(Double(qa.scale) / twiceMaximumScale)
                let scaleB = QuantizedMultiplier(Double(qb.scale) / twiceMaximumScale)
                let scaleOutput = QuantizedMultiplier(twiceMaximumScale / (Double(1 << leftShift) * Double(qo.scale)))
                for i in 0..<count {
                    let left = scaleA((Int32(x[i % a.elementCount]) - qa.zeroPoint) << leftShift)
                    let right = scaleB((Int32(y[i % b.elementCount]) - qb.zeroPoint) << leftShift)
                    let value = scaleOutput(left + right) + qo.zeroPoint
                    out[i] = UInt8(min(max(value, range.lowerBound), range.upperBound))
                }
            }
        } else {
            let x = model.values(node.inputs[0], as: Float.self), y = model.values(node.inputs[1], as: Float.self)
            let out = model.values(node.outputs[0], as: Float.self)
            let range = activation.range
            for i in 0..<count {
                let (u, v) = (x[i % a.elementCount], y[i % b.elementCount])
                out[i] = min(max(multiply ? u * v : u + v, range.lower), range.upper)
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
                let value = Int32((function(inputQ.dequantize(Int32(x[i]))) * inverseScale).rounded()) + outputQ.zeroPoint
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
            let value = outputQ.zeroPoint + requantize(Int32(x[i]) - inputQ.zeroPoint)
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
                out[i] = UInt8(min(max(requantize(Int32(x[i]) - inputQ.zeroPoint) + outputQ.zeroPoint, 0), 255))
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
