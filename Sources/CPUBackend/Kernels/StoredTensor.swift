import Engine

/// A tensor as the CPU backend stores it in the arena: float32 elements. Quantized tensors hold the integer
/// `quantized - zeroPoint` (exact in float), so a convolution is a float GEMM on the very integers TFLite
/// multiplies, and only the requantization at each op's output rounds.
struct StoredTensor {
    let pointer: UnsafeMutablePointer<Float>
    let shape: [Int]
    /// Nil for float tensors.
    let quantization: Engine.Quantization?

    var count: Int { shape.reduce(1, *) }

    /// Real value = scale * stored value (1 for float tensors).
    var scale: Float { quantization?.scale ?? 1 }

    /// The stored-value range of a fused activation: TFLite's quantized range, or the real one for floats.
    func range(_ activation: FusedActivation) -> ClosedRange<Float> { StoredValues.range(quantization, activation) }

    /// The stored value of `real` after `activation`: quantized (rounded, clamped to the uint8 range) or float.
    func stored(real: Float, activation: FusedActivation = .none) -> Float {
        StoredValues.value(real: real, quantization: quantization, activation: activation)
    }
}
