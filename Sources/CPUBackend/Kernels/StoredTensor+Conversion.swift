import Engine

extension StoredTensor {
    /// The stored value of `real` after `activation`: quantized (rounded, clamped to the uint8 range) or float.
    func stored(real: Float, activation: FusedActivation = .none) -> Float {
        let range = range(activation)
        guard let quantization else { return min(max(real, range.lowerBound), range.upperBound) }
        let value = real / quantization.scale
        guard value.isFinite else { return value > 0 ? range.upperBound : range.lowerBound }
        return min(max(value, range.lowerBound), range.upperBound).rounded()
    }
}
