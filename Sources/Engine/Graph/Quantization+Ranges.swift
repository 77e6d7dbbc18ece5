extension Quantization {
    /// The representable uint8 range.
    public static let uint8Range: ClosedRange<Int32> = 0...255

    /// `real` quantized with TFLite's rounding (half away from zero), not clamped.
    public func quantize(_ real: Float) -> Int32 { zeroPoint + Int32((real / scale).rounded()) }

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
