/// Two-tap interpolation tables for one axis, computed exactly as OpenCV's `cv::resize` does for INTER_LINEAR on
/// 8-bit images: half-pixel centers, the source position and its fraction in `Float`, and each of the two weights
/// rounded to 11-bit fixed point (INTER_RESIZE_COEF_BITS) on its own, so a pair may sum to 2047 or 2049. No
/// antialiasing: however much an axis is reduced, each output reads two neighbouring inputs.
///
/// The tables live in memory this object owns, so the resampling loops read them through plain pointers.
final class OpenCVLinearAxis {
    /// Fractional bits of the weights (OpenCV's INTER_RESIZE_COEF_BITS).
    static let weightBits = 11

    /// Which pass the tables are for: OpenCV treats the edges of the two differently.
    enum Direction {
        /// Outputs whose position falls before the first input or on or after the last one take that input
        /// alone (weights 2048 and 0).
        case horizontal
        /// The weights keep the position's fraction even past the edges; only the rows read are clamped (so an
        /// edge output mixes the edge row with itself, which the vertical pass's rounding can shift by one).
        case vertical
    }

    let inputSize: Int
    let outputSize: Int
    /// The two inputs each output reads, within `0..<inputSize` (both the same one at the edges).
    let first: UnsafeMutablePointer<Int32>
    let second: UnsafeMutablePointer<Int32>
    /// Their weights, in units of 2^-weightBits: 0...2049, 16-bit as OpenCV's SIMD kernels multiply them (OpenCV's
    /// are signed, but every weight and pixel sum here is nonnegative, and unsigned lets SSE2 multiply them).
    let firstWeight: UnsafeMutablePointer<UInt16>
    let secondWeight: UnsafeMutablePointer<UInt16>

    init(inputSize: Int, outputSize: Int, direction: Direction) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        first = .allocate(capacity: outputSize)
        second = .allocate(capacity: outputSize)
        firstWeight = .allocate(capacity: outputSize)
        secondWeight = .allocate(capacity: outputSize)
        // OpenCV's scale is the reciprocal of the inverse scale it was given (output / input), which is not always
        // the same double as input / output; the positions below must round as OpenCV's do.
        let scale = 1 / (Double(outputSize) / Double(inputSize))
        let one = Float(1 << Self.weightBits)
        for out in 0..<outputSize {
            let position = Float((Double(out) + 0.5) * scale - 0.5)
            var index = Int(position.rounded(.down))
            var fraction = position - Float(index)
            if direction == .horizontal && index < 0 {
                (index, fraction) = (0, 0)
            }
            if direction == .horizontal && index >= inputSize - 1 {
                (index, fraction) = (inputSize - 1, 0)
            }
            first[out] = Int32(min(max(index, 0), inputSize - 1))
            second[out] = Int32(min(max(index + 1, 0), inputSize - 1))
            // saturate_cast<short>(float) rounds half to even, as the FPU does.
            firstWeight[out] = UInt16(((1 - fraction) * one).rounded(.toNearestOrEven))
            secondWeight[out] = UInt16((fraction * one).rounded(.toNearestOrEven))
        }
    }

    deinit {
        first.deallocate()
        second.deallocate()
        firstWeight.deallocate()
        secondWeight.deallocate()
    }
}
