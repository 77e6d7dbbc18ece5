import Engine

/// AVERAGE_POOL_2D and MAX_POOL_2D over the stored values (input and output share quantization, as TFLite
/// requires), averaging over the taps inside the input as TFLite does.
final class Pooling: SerialKernel {
    let input: StoredTensor
    let output: StoredTensor
    let parameters: Pool2DParameters
    let geometry: WindowGeometry
    let average: Bool

    init(
        input: StoredTensor, output: StoredTensor, parameters: Pool2DParameters, geometry: WindowGeometry, average: Bool
    ) {
        self.input = input
        self.output = output
        self.parameters = parameters
        self.geometry = geometry
        self.average = average
    }

    func run() {
        let (batches, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let window = parameters.window
        let range = output.range(parameters.activation)
        let zeroPoint = Float(input.quantization?.zeroPoint ?? 0)
        var destination = output.pointer
        for b in 0..<batches {
            for y in 0..<geometry.outputHeight {
                for x in 0..<geometry.outputWidth {
                    for c in 0..<channels {
                        var sum: Float = 0, largest = -Float.infinity, count: Float = 0
                        for ky in 0..<parameters.filterHeight {
                            let iy = y * window.strideHeight - geometry.padTop + ky
                            guard iy >= 0, iy < height else { continue }
                            for kx in 0..<parameters.filterWidth {
                                let ix = x * window.strideWidth - geometry.padLeft + kx
                                guard ix >= 0, ix < width else { continue }
                                let value = input.pointer[((b * height + iy) * width + ix) * channels + c]
                                sum += value
                                largest = max(largest, value)
                                count += 1
                            }
                        }
                        var value = largest
                        if average {
                            // Quantized: TFLite's (sum of q + count / 2) / count in integers, on stored values.
                            value =
                                input.quantization == nil
                                ? sum / count
                                : ((sum + zeroPoint * count + (count / 2).rounded(.down)) / count).rounded(.down)
                                    - zeroPoint
                        }
                        destination.pointee = min(max(value, range.lowerBound), range.upperBound)
                        destination += 1
                    }
                }
            }
        }
    }
}
