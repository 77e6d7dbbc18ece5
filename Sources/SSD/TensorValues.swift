import Engine

/// A tensor's elements read as real numbers: uint8 dequantized as TFLite does, (Float(q) - zeroPoint) * scale,
/// float32 as is.
public struct TensorValues {
    let bytes: UnsafeRawBufferPointer
    let quantized: Bool
    let zeroPoint: Float
    let scale: Float
    public let count: Int

    /// `bytes` laid out as `tensor` says (uint8 quantized or float32).
    public init(_ bytes: UnsafeRawBufferPointer, tensor: Tensor) {
        self.bytes = bytes
        quantized = tensor.dataType == .uint8
        zeroPoint = Float(tensor.quantization?.zeroPoint ?? 0)
        scale = tensor.quantization?.scale ?? 1
        count = tensor.elementCount
    }

    @inline(__always)
    public subscript(index: Int) -> Float {
        quantized
            ? (Float(bytes[index]) - zeroPoint) * scale
            : bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
    }
}
