extension Quantization {
    /// The representable uint8 range.
    public static let uint8Range: ClosedRange<Int32> = 0...255

    /// `real` quantized with TFLite's rounding (half away from zero), not clamped to uint8: to +-2^30 steps, so that
    /// no scale (a tiny one puts RELU6's 6 past Int32) or infinity traps the conversion.
    public func quantize(_ real: Float) -> Int32 { zeroPoint &+ Self.steps(real / scale) }

    /// `value` rounded half away from zero to an Int32 within +-2^30 (0 for NaN): a quantized value's distance from
    /// the zero point, whatever the scales made of it.
    public static func steps(_ value: Float) -> Int32 {
        value.isNaN ? 0 : Int32(min(max(value.rounded(), -0x1p30), 0x1p30))
    }

    /// The uint8 clamp range of a fused activation, as TFLite computes it (CalculateActivationRangeQuantized).
    public func activationRange(_ activation: FusedActivation) -> ClosedRange<Int32> {
        let full = Self.uint8Range
        switch activation {
        case .none: return full
        case .relu: return max(full.lowerBound, quantize(0))...full.upperBound
        case .relu6: return max(full.lowerBound, quantize(0))...min(full.upperBound, quantize(6))
        case .reluN1To1: return max(full.lowerBound, quantize(-1))...min(full.upperBound, quantize(1))
        }
    }
}
