extension ReferenceKernels {
    // MARK: Convolution

    /// CONV_2D (depthMultiplier nil) and DEPTHWISE_CONV_2D.
    func convolution(window: Window, depthMultiplier: Int?, activation: FusedActivation) {
        let source = input(0), filter = input(1)
        let (batches, height, width, channels) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
        let (filterHeight, filterWidth) = (filter.shape[1], filter.shape[2])
        let (outputHeight, outputWidth, outputChannels) = (output.shape[1], output.shape[2], output.shape[3])
        let geometry = window.geometry(
            inputHeight: height, inputWidth: width, filterHeight: filterHeight,
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
                        for ic in 0..<channels {
                            tap(pixel + ic, ((c * filterHeight + ky) * filterWidth + kx) * channels + ic)
                        }
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
                            // int32 as TFLite's: a model's bias (any int32) or depth can carry it past the range,
                            // where TFLite's sum wraps and a trapping one would end the process.
                            var sum: Int32 = 0
                            taps(b, y, x0, c) { i, f in
                                sum &+= (Int32(x[i]) - inputQ.zeroPoint) * (Int32(w[f]) - filterQ.zeroPoint)
                            }
                            sum &+= bias?[c] ?? 0
                            let value = requantize(sum) &+ outputQ.zeroPoint
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
}
