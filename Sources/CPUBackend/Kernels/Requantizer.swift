import CQuantizedGEMM
import Engine

/// The output stage of a convolution: bias, TFLite's requantization for quantized outputs, the activation's
/// clamp, applied in place to a block of accumulators.
enum Requantizer {
    /// Float output: clamp(accumulator + bias).
    case float(FloatStage)
    /// Quantized output, accumulators in float (the SGEMM path): TFLite's arithmetic imitated in float.
    case imitated(ImitatedStage)
    /// Quantized output, exact integer accumulators (the 8-bit path): TFLite's arithmetic itself, bit-exact. The
    /// 8-bit GEMM applies it to its tiles itself; `apply` serves the depthwise convolution's float accumulators.
    case integer(IntegerStage)

    struct FloatStage {
        let bias: UnsafeMutablePointer<Float>
        let channels: Int
        let range: ClosedRange<Float>
    }

    /// TFLite multiplies by a Q31 significand and rounds, then shifts right and rounds again, half away from zero
    /// (MultiplyByQuantizedMultiplier). The second rounding makes its results differ from one correct rounding on
    /// up to 1 in 2^shift elements, so for small shifts this stage rounds twice the same way; for large shifts
    /// the difference is rarer than float error and one rounding stands for both.
    struct ImitatedStage {
        /// The significand as a fraction, times 2^shift when the shift is positive (or the whole multiplier when
        /// the right shift is too large to imitate).
        let multiplier: Float
        /// One per channel, already multiplied.
        let bias: UnsafeMutablePointer<Float>
        let channels: Int
        /// Bounds of the stored output value (the activation's range, minus the zero point).
        let range: ClosedRange<Float>
        /// 2^-rightShift for the second rounding (1 when there is none).
        let postScale: Float

        /// Right shifts up to this are imitated with two roundings; beyond it one rounding of the whole product.
        static let largestImitatedShift = 12

        /// `bias` holds the raw int32 biases as floats and is scaled here.
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
            multiplier = Float(scale)
            self.bias = bias
            self.channels = channels
            self.range = range
        }
    }

    struct IntegerStage {
        /// The instruction set of the kernel that requantizes.
        let kernel: qgemm_isa
        /// Raw int32 biases, one per channel.
        let bias: UnsafeMutablePointer<Int32>
        let channels: Int
        /// TFLite's multiplier, the output zero point and the activation's range in quantized values.
        let requantization: qgemm_requantization

        init(
            kernel: qgemm_isa, bias: UnsafeMutablePointer<Int32>, channels: Int, multiplier: QuantizedMultiplier,
            zeroPoint: Int32, range: ClosedRange<Int32>
        ) {
            self.kernel = kernel
            self.bias = bias
            self.channels = channels
            requantization = qgemm_requantization(
                significand: multiplier.significand, shift: Int32(multiplier.shift), zeroPoint: zeroPoint,
                low: range.lowerBound, high: range.upperBound)
        }
    }

    /// Applies the stage in place to `rows` rows of float accumulators.
    ///
    /// The float loops are plain scalar code with selects rather than Swift's SIMD types: LLVM vectorizes them
    /// for whatever vector width the target has, and the generic SIMD operations measured 10x slower here.
    func apply(_ values: UnsafeMutablePointer<Float>, rows: Int) {
        switch self {
        case .integer(let stage):
            qgemm_requantize(stage.kernel, Int32(rows), Int32(stage.channels), values, stage.bias, stage.requantization)
        case .float(let stage):
            let (bias, channels, lower, upper) = (
                stage.bias, stage.channels, stage.range.lowerBound, stage.range.upperBound
            )
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels {
                    let v = line[c] + bias[c]
                    line[c] = v < lower ? lower : (v > upper ? upper : v)
                }
            }
        case .imitated(let stage):
            let (multiplier, bias, channels, post) = (stage.multiplier, stage.bias, stage.channels, stage.postScale)
            let (lower, upper) = (stage.range.lowerBound, stage.range.upperBound)
            // Clamp to one step outside the range first, so that the roundings below stay exact in float.
            let (low, high) = ((lower - 1) / post, (upper + 1) / post)
            for row in 0..<rows {
                let line = values + row * channels
                for c in 0..<channels {
                    var product = line[c] * multiplier + bias[c]
                    product = product < low ? low : (product > high ? high : product)
                    // TFLite's first rounding (of the Q31 product), then its second: the power-of-two shift, half
                    // away from zero. Both exact in float: at most 12 fraction bits and 9 integer bits.
                    let shifted = product.rounded(.toNearestOrEven) * post
                    let result = (shifted + Float(signOf: shifted, magnitudeOf: 0.5)).rounded(.towardZero)
                    line[c] = result < lower ? lower : (result > upper ? upper : result)
                }
            }
        }
    }
}
