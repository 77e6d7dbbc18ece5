import CQuantizedGEMM
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
    /// Set where accumulators are exact integers and the 8-bit kernels are available: TFLite's integer
    /// requantization itself (CQuantizedGEMM), bit-exact, instead of its imitation in float.
    let integer: IntegerRequantization?

    /// The parameters of TFLite's integer requantization.
    struct IntegerRequantization {
        /// Raw int32 biases, one per channel.
        let bias: UnsafeMutablePointer<Int32>
        let multiplier: QuantizedMultiplier
        let zeroPoint: Int32
        let range: ClosedRange<Int32>
    }

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
        self.integer = nil
    }

    /// TFLite's integer stage for a quantized output (`bias` holds the raw int32 biases).
    init(real: Double, integerBias bias: UnsafeMutablePointer<Int32>, channels: Int, output: Quantization,
        range: ClosedRange<Int32>)
    {
        self.multiplier = 1
        self.bias = UnsafeMutablePointer(OpaquePointer(bias))  // unused by the integer stage
        self.channels = channels
        self.lower = Float(range.lowerBound - output.zeroPoint)
        self.upper = Float(range.upperBound - output.zeroPoint)
        self.postScale = 1
        self.rounds = true
        self.integer = IntegerRequantization(bias: bias, multiplier: QuantizedMultiplier(real),
            zeroPoint: output.zeroPoint, range: range)
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
        self.integer = nil
    }

    /// Applies the integer stage in place to `rows` rows of int32 accumulators (or, with `floatAccumulators`,
    /// floats holding exact integers), leaving stored float values.
    func applyInteger(_ values: UnsafeMutableRawPointer, rows: Int, floatAccumulators: Bool) {
        guard let integer else { preconditionFailure("no integer stage") }
        qgemm_requantize(Int32(rows), Int32(channels), values, floatAccumulators ? 1 : 0, integer.bias,
            integer.multiplier.significand, Int32(integer.multiplier.shift), integer.zeroPoint,
            integer.range.lowerBound, integer.range.upperBound)
    }

    /// Applies the stage in place to `rows` rows of `channels` accumulators.
    ///
    /// Plain scalar loops with selects rather than Swift's SIMD types: LLVM vectorizes these for whatever vector
    /// width the target has, and the generic SIMD operations measured 10x slower here.
    func apply(_ values: UnsafeMutablePointer<Float>, rows: Int) {
        if integer != nil { return applyInteger(values, rows: rows, floatAccumulators: true) }
        let (multiplier, bias, channels, lower, upper, post) = (multiplier, bias, channels, lower, upper, postScale)
        if !rounds {
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels {
                    let v = line[c] + bias[c]
                    line[c] = v < lower ? lower : (v > upper ? upper : v)
                }
            }
            return
        }
        // Clamp to one step outside the range first, so that the roundings below stay exact in float.
        let (low, high) = ((lower - 1) / post, (upper + 1) / post)
        for row in 0..<rows {
            let line = values + row * channels
            for c in 0..<channels {
                var product = line[c] * multiplier + bias[c]
                product = product < low ? low : (product > high ? high : product)
                // TFLite's first rounding (of the Q31 product), then its second: the power-of-two shift, half away
                // from zero. Both exact in float: the shifted value has at most 12 fraction bits and 9 integer bits.
                let shifted = product.rounded(.toNearestOrEven) * post
                let result = (shifted + Float(signOf: shifted, magnitudeOf: 0.5)).rounded(.towardZero)
                line[c] = result < lower ? lower : (result > upper ? upper : result)
            }
        }
    }
}
