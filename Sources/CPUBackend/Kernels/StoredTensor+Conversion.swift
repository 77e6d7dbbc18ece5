import Engine

extension StoredTensor {
    /// The stored value of `real` after `activation`: quantized (rounded, clamped to the uint8 range) or float.
    func stored(real: Float, activation: FusedActivation = .none) -> Float {
        StoredValues.value(real: real, quantization: quantization, activation: activation)
    }
}
