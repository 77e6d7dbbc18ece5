/// Fixed-point filter taps for resampling one axis, computed exactly as Pillow's `precompute_coeffs` and
/// `normalize_coeffs_8bpc` do for its BILINEAR filter (a triangle, widened by the scale when reducing, which is
/// the antialiasing). Matching Pillow to the bit matters: the reference outputs were made with it.
///
/// The tables live in memory this object owns, so the resampling loops read them through plain pointers.
final class ResampleAxis {
    /// Fractional bits of the weights: 32 - 8 - 2, so that 255 x (sum of weights) fits an Int32.
    static let precisionBits: Int32 = 22

    let inputSize: Int
    let outputSize: Int
    /// Taps per output (the stride of `weights`).
    let taps: Int
    /// First input index for each output.
    let first: UnsafeMutablePointer<Int32>
    /// Number of inputs used for each output.
    let count: UnsafeMutablePointer<Int32>
    /// `taps` weights per output, in units of 2^-precisionBits.
    let weights: UnsafeMutablePointer<Int32>
    /// The input range any output touches.
    let span: Range<Int>

    init(inputSize: Int, outputSize: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 1.0 * filterScale  // the triangle filter's support is 1
        taps = Int(support.rounded(.up)) * 2 + 1
        first = .allocate(capacity: outputSize)
        count = .allocate(capacity: outputSize)
        weights = .allocate(capacity: outputSize * taps)
        weights.initialize(repeating: 0, count: outputSize * taps)
        var row = [Double](repeating: 0, count: taps)
        var (lowest, highest) = (inputSize, 0)
        for out in 0..<outputSize {
            let center = (Double(out) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let n = min(Int(center + support + 0.5), inputSize) - lo
            var total = 0.0
            for k in 0..<n {
                let w = max(0, 1 - abs((Double(k + lo) - center + 0.5) / filterScale))
                row[k] = w
                total += w
            }
            for k in 0..<n {
                let w = total != 0 ? row[k] / total : row[k]
                weights[out * taps + k] = Int32((w * Double(1 << Self.precisionBits) + (w < 0 ? -0.5 : 0.5)))
            }
            first[out] = Int32(lo)
            count[out] = Int32(n)
            (lowest, highest) = (min(lowest, lo), max(highest, lo + n))
        }
        span = lowest..<max(lowest, highest)
    }

    deinit {
        first.deallocate()
        count.deallocate()
        weights.deallocate()
    }
}
