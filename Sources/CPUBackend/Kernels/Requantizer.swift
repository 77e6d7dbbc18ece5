import Engine

/// The output stage of a convolution, applied in place to its float accumulators.
///
/// Float output: clamp(accumulator + bias). Quantized output: TFLite's requantization, imitated in float. TFLite
/// multiplies by a Q31 significand and rounds, then shifts right and rounds again, half away from zero
/// (MultiplyByQuantizedMultiplier). The second rounding is what makes its results differ from one correct
/// rounding on up to 1 in 2^shift elements, so for small shifts this stage rounds twice the same way; for large
/// shifts the difference is rarer than float error and one rounding stands for both.
struct Requantizer {
    /// Float-accumulator multiplier: the significand as a fraction, times 2^shift when the shift is positive.
    let multiplier: Float
    /// One per output channel, already multiplied.
    let bias: UnsafeMutablePointer<Float>
    let channels: Int
    /// Bounds of the stored output value (the activation's range).
    let lower: Float
    let upper: Float
    /// 2^-rightShift for the second rounding (1 when there is none).
    let postScale: Float
    let rounds: Bool

    /// Right shifts up to this are imitated with two roundings; beyond it one rounding of the whole product.
    static let largestImitatedShift = 12

    /// The stage for a float output.
    init(bias: UnsafeMutablePointer<Float>, channels: Int, range: ClosedRange<Float>) {
        self.multiplier = 1
        self.bias = bias
        self.channels = channels
        self.lower = range.lowerBound
        self.upper = range.upperBound
        self.postScale = 1
        self.rounds = false
    }

    /// The stage for a quantized output with TFLite's `real` multiplier; `bias` holds the raw int32 biases and is
    /// scaled here.
    init(real: Double, bias: UnsafeMutablePointer<Float>, channels: Int, range: ClosedRange<Float>) {
        let quantized = QuantizedMultiplier(real)
        let fraction = Double(quantized.significand) / Double(1 << 31)
        let rightShift = max(-quantized.shift, 0)
        let scale: Double
        if rightShift <= Self.largestImitatedShift {
            scale = fraction * Double(sign: .plus, exponent: max(quantized.shift, 0), significand: 1)
            postScale = Float(Double(sign: .plus, exponent: -rightShift, significand: 1))
        } else {
            scale = fraction * Double(sign: .plus, exponent: quantized.shift, significand: 1)
            postScale = 1
        }
        for c in 0..<channels { bias[c] = Float(Double(bias[c]) * scale) }
        self.multiplier = Float(scale)
        self.bias = bias
        self.channels = channels
        self.lower = range.lowerBound
        self.upper = range.upperBound
        self.rounds = true
    }

    /// Applies the stage in place to `rows` rows of `channels` accumulators.
    func apply(_ values: UnsafeMutablePointer<Float>, rows: Int) {
        let vectorEnd = channels & ~7
        for row in 0..<rows {
            let line = values + row * channels
            var c = 0
            while c < vectorEnd {
                let raw = UnsafeMutableRawPointer(line + c)
                let b = UnsafeRawPointer(bias + c).loadUnaligned(as: SIMD8<Float>.self)
                raw.storeBytes(of: stage(raw.loadUnaligned(as: SIMD8<Float>.self), b), as: SIMD8<Float>.self)
                c += 8
            }
            while c < channels {
                line[c] = stage(SIMD8(repeating: line[c]), SIMD8(repeating: bias[c]))[0]
                c += 1
            }
        }
    }

    @inline(__always)
    private func stage(_ accumulator: SIMD8<Float>, _ bias: SIMD8<Float>) -> SIMD8<Float> {
        let low = SIMD8<Float>(repeating: lower), high = SIMD8<Float>(repeating: upper)
        let product = accumulator * SIMD8(repeating: multiplier) + bias
        guard rounds else { return product.clamped(lowerBound: low, upperBound: high) }
        // Clamp to one step outside the range first, so that the roundings below stay exact in float.
        let post = SIMD8<Float>(repeating: postScale)
        let first = roundToNearestEven(product.clamped(lowerBound: (low - 1) / post, upperBound: (high + 1) / post))
        let shifted = first * post
        var second = roundToNearestEven(shifted)
        let remainder = shifted - second
        let half = SIMD8<Float>(repeating: 0.5), zero = SIMD8<Float>()
        second.replace(with: second + 1, where: (remainder .== half) .& (shifted .> zero))
        second.replace(with: second - 1, where: (remainder .== -half) .& (shifted .< zero))
        return second.clamped(lowerBound: low, upperBound: high)
    }
}

/// Rounds to the nearest integer, ties to even, for |v| < 2^22: adding and subtracting 1.5 * 2^23 leaves no
/// fraction bits. Branch-free and vectorizes on any SIMD level.
@inline(__always)
func roundToNearestEven(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let magic = SIMD8<Float>(repeating: 12_582_912)
    return (v + magic) - magic
}
