import Engine

/// A tensor's elements read as real numbers: uint8 dequantized as TFLite does, (Float(q) - zeroPoint) * scale,
/// float32 as is.
public struct TensorValues {
    let bytes: UnsafeRawBufferPointer
    let quantized: Bool
    let zeroPoint: Float
    let scale: Float
    /// Elements of the tensor, from its shape: `bytes` must hold as many.
    public let count: Int

    /// `bytes` laid out as `tensor` says (uint8 quantized or float32).
    public init(_ bytes: UnsafeRawBufferPointer, tensor: Tensor) {
        self.bytes = bytes
        quantized = tensor.dataType == .uint8
        zeroPoint = Float(tensor.quantization?.zeroPoint ?? 0)
        scale = tensor.quantization?.scale ?? 1
        count = tensor.elementCount
    }

    /// Whether the elements are uint8 codes (so `code(_:)` orders them as their values).
    public var isQuantized: Bool { quantized }

    /// The uint8 code of element `index` of a quantized tensor; larger codes are larger values (scale > 0).
    @inline(__always)
    public func code(_ index: Int) -> UInt8 { bytes[index] }

    /// The largest uint8 code among elements `range` of a quantized tensor, 0 for none (a loop the compiler
    /// vectorizes: no index arithmetic in it to check for overflow).
    public func maximumCode(_ range: Range<Int>) -> UInt8 {
        var best: UInt8 = 0
        for index in range { best = max(best, bytes[index]) }
        return best
    }

    /// The real number a uint8 code of a quantized tensor stands for.
    @inline(__always)
    public func value(ofCode code: UInt8) -> Float { (Float(code) - zeroPoint) * scale }

    /// Element `index` (below `count`) as a real number; the buffer checks the bound in debug builds only.
    @inline(__always)
    public subscript(index: Int) -> Float {
        quantized ? value(ofCode: bytes[index]) : bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
    }
}
