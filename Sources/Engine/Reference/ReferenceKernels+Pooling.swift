extension ReferenceKernels {
    // MARK: Pooling

    func pool(_ parameters: Pool2DParameters, average: Bool) {
        let source = input(0)
        let (batches, height, width, channels) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
        let geometry = parameters.window.geometry(
            inputHeight: height, inputWidth: width,
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
                            model.values(node.outputs[0], as: Float.self)[index] = min(
                                max(value, range.lower), range.upper)
                        }
                        index += 1
                    }
                }
            }
        }
    }
}
