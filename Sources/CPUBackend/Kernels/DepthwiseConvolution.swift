import Engine

/// DEPTHWISE_CONV_2D: each channel convolved with its own filter, eight channels at a time in SIMD registers.
///
/// On quantized models every product and sum is an integer far below 2^24, so the float accumulators are exact and
/// only the requantization rounds, as in TFLite.
final class DepthwiseConvolution: CPUKernel {
    let input: StoredTensor
    let output: StoredTensor
    /// [KH, KW, Cout], stored values.
    let filter: UnsafeMutablePointer<Float>
    let window: Window
    let geometry: WindowGeometry
    let filterHeight: Int, filterWidth: Int
    let depthMultiplier: Int
    let requantizer: Requantizer

    init(input: StoredTensor, output: StoredTensor, filter: UnsafeMutablePointer<Float>, window: Window,
        geometry: WindowGeometry, filterHeight: Int, filterWidth: Int, depthMultiplier: Int, requantizer: Requantizer)
    {
        self.input = input
        self.output = output
        self.filter = filter
        self.window = window
        self.geometry = geometry
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.depthMultiplier = depthMultiplier
        self.requantizer = requantizer
    }

    func run() {
        let (batches, height, width, inputChannels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let channels = output.shape[3]
        // With a multiplier of 1, output channel c reads input channel c: contiguous, so SIMD; else scalar.
        let vectorEnd = depthMultiplier == 1 ? channels & ~7 : 0
        for b in 0..<batches {
            for y in 0..<geometry.outputHeight {
                let top = y * window.strideHeight - geometry.padTop
                let row = output.pointer + (b * geometry.outputHeight + y) * geometry.outputWidth * channels
                for x in 0..<geometry.outputWidth {
                    let left = x * window.strideWidth - geometry.padLeft
                    let destination = row + x * channels
                    var c = 0
                    while c < vectorEnd {
                        var sum = SIMD8<Float>()
                        for ky in 0..<filterHeight {
                            let iy = top + ky * window.dilationHeight
                            guard iy >= 0, iy < height else { continue }
                            for kx in 0..<filterWidth {
                                let ix = left + kx * window.dilationWidth
                                guard ix >= 0, ix < width else { continue }
                                let source = input.pointer + ((b * height + iy) * width + ix) * inputChannels + c
                                let weights = filter + (ky * filterWidth + kx) * channels + c
                                sum += UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self)
                                    * UnsafeRawPointer(weights).loadUnaligned(as: SIMD8<Float>.self)
                            }
                        }
                        UnsafeMutableRawPointer(destination + c).storeBytes(of: sum, as: SIMD8<Float>.self)
                        c += 8
                    }
                    while c < channels {
                        var sum: Float = 0
                        for ky in 0..<filterHeight {
                            let iy = top + ky * window.dilationHeight
                            guard iy >= 0, iy < height else { continue }
                            for kx in 0..<filterWidth {
                                let ix = left + kx * window.dilationWidth
                                guard ix >= 0, ix < width else { continue }
                                sum += input.pointer[((b * height + iy) * width + ix) * inputChannels + c / depthMultiplier]
                                    * filter[(ky * filterWidth + kx) * channels + c]
                            }
                        }
                        destination[c] = sum
                        c += 1
                    }
                }
                requantizer.apply(row, rows: geometry.outputWidth)
            }
        }
    }
}
