#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stored-value convention shared by the float-computing backends (CPU and CUDA): a float tensor stores its
/// real values; a quantized one stores `quantized - zeroPoint`, the exact integers TFLite computes with.
public enum StoredValues {
    /// The stored-value range of `activation` on a tensor with `quantization` (nil for float): TFLite's quantized
    /// clamp range minus the zero point, or the activation's real range.
    public static func range(_ quantization: Quantization?, _ activation: FusedActivation) -> ClosedRange<Float> {
        guard let quantization else { return activation.range.lower...activation.range.upper }
        let range = quantization.activationRange(activation)
        return Float(range.lowerBound - quantization.zeroPoint)...Float(range.upperBound - quantization.zeroPoint)
    }

    /// The stored value of `real` after `activation`: rounded and clamped to the uint8 range when quantized.
    public static func value(real: Float, quantization: Quantization?, activation: FusedActivation = .none) -> Float {
        let range = range(quantization, activation)
        guard let quantization else { return min(max(real, range.lowerBound), range.upperBound) }
        let value = real / quantization.scale
        guard value.isFinite else { return value > 0 ? range.upperBound : range.lowerBound }
        return min(max(value, range.lowerBound), range.upperBound).rounded()
    }

    /// A constant's elements as stored values.
    public static func of(_ tensor: Tensor) -> [Float] {
        let zeroPoint = tensor.quantization?.zeroPoint ?? 0
        switch tensor.dataType {
        case .float32: return tensor.constantFloats()
        case .uint8: return tensor.constantValues(UInt8.self).map { Float(Int32($0) - zeroPoint) }
        case .int8: return tensor.constantValues(Int8.self).map { Float(Int32($0) - zeroPoint) }
        case .int32: return tensor.constantValues(Int32.self).map { Float($0) }
        case .int64: return tensor.constantValues(Int64.self).map { Float($0) }
        }
    }

    /// What a stored-value backend cannot run: custom ops (their owners run them), and pooling that changes
    /// the quantization (TFLite requires it not to; the stored values would need rescaling).
    public static func unsupportedReason(for node: Node, in graph: Graph) -> String? {
        switch node.operation {
        case .custom: return "custom ops run outside the engine (split them off with splittingCustomTail())"
        case .averagePool2D, .maxPool2D:
            let input = graph.tensors[node.inputs[0]], output = graph.tensors[node.outputs[0]]
            return input.quantization == output.quantization ? nil : "pooling that changes the quantization"
        default: return nil
        }
    }

    /// The real-valued function of a one-input op (LOGISTIC, RELU, RELU6, EXP, QUANTIZE, DEQUANTIZE); nil for others.
    public static func realFunction(of operation: Operation) -> (@Sendable (Float) -> Float)? {
        switch operation {
        case .logistic: { 1 / (1 + expf(-$0)) }
        case .relu: { max($0, 0) }
        case .relu6: { min(max($0, 0), 6) }
        case .exp: { expf($0) }
        case .quantize, .dequantize: { $0 }
        default: nil
        }
    }

    /// `function` tabulated for every value of a quantized input, by stored value + zero point: a quantized input
    /// has only 256 values, so TFLite (and the backends) look the op up rather than compute it.
    public static func table(input: Quantization, output: Quantization?, _ function: (Float) -> Float) -> [Float] {
        (0...255).map { value(real: function(input.dequantize(Int32($0))), quantization: output) }
    }
}
