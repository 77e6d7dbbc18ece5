/// TFLite's integer requantization (tensorflow/lite/kernels/internal/common.h and quantization_util.cc), the
/// arithmetic of its reference kernels, reproduced so that the reference backend matches them bit for bit.
enum FixedPoint {
    /// A real multiplier as a Q31 significand and a power-of-two exponent (QuantizeMultiplier).
    static func quantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int) {
        // Validation bounds every scale (2^-60...2^60), so a multiplier made of them is finite; one that is not (a
        // graph that skipped validation) becomes the zero multiplier rather than a trap in `exponent`.
        guard real != 0, real.isFinite else { return (0, 0) }
        // frexp: real = fraction * 2^exponent with fraction in [0.5, 1).
        var shift = Int(real.exponent) + 1
        let fraction = real / Double(sign: .plus, exponent: shift, significand: 1)
        var q = Int64((fraction * Double(Int64(1) << 31)).rounded())
        if q == Int64(1) << 31 {
            q /= 2
            shift += 1
        }
        if shift < -31 { return (0, 0) }
        return (Int32(q), shift)
    }

    static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == .min { return .max }
        let product = Int64(a) * Int64(b)
        let nudge: Int64 = product >= 0 ? 1 << 30 : 1 - (1 << 30)
        return Int32((product + nudge) / (1 << 31))
    }

    static func roundingDivideByPowerOfTwo(_ x: Int32, _ exponent: Int) -> Int32 {
        let mask = Int32(truncatingIfNeeded: (Int64(1) << exponent) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> Int32(exponent)) + (remainder > threshold ? 1 : 0)
    }

    /// x * multiplier * 2^shift, rounded as TFLite rounds (MultiplyByQuantizedMultiplier).
    static func multiply(_ x: Int32, by multiplier: Int32, shift: Int) -> Int32 {
        let left = max(shift, 0)
        let right = max(-shift, 0)
        return roundingDivideByPowerOfTwo(saturatingRoundingDoublingHighMul(x &* (1 << Int32(left)), multiplier), right)
    }
}

/// A real multiplier as TFLite represents it: significand * 2^(shift - 31), the significand in [2^30, 2^31).
/// Applying it rounds twice (once at 31 bits, once at the shift), which other backends must imitate to match.
public struct QuantizedMultiplier: Sendable, Equatable {
    /// Q31 significand, in [2^30, 2^31); 0 for a zero multiplier or one below 2^-32.
    public let significand: Int32
    /// Power-of-two exponent: a positive one shifts left before the multiply, a negative one rounds right after it.
    public let shift: Int

    /// `real` as TFLite's QuantizeMultiplier represents it.
    public init(_ real: Double) { (significand, shift) = FixedPoint.quantizeMultiplier(real) }

    /// x times the multiplier, rounded as TFLite's MultiplyByQuantizedMultiplier rounds.
    public func callAsFunction(_ x: Int32) -> Int32 { FixedPoint.multiply(x, by: significand, shift: shift) }
}
