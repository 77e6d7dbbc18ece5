/// Per-tensor affine quantization: real = scale * (quantized - zeroPoint).
public struct Quantization: Sendable, Equatable, CustomStringConvertible {
    /// The real value of one quantized step; finite and positive in every loaded model.
    public var scale: Float
    /// The quantized value that stands for real 0.
    public var zeroPoint: Int32

    /// Unchecked here; the loader refuses a scale that is not finite and positive.
    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The real value of a quantized one.
    public func dequantize(_ quantized: Int32) -> Float { scale * Float(quantized - zeroPoint) }

    /// "scale S zero point Z", for messages.
    public var description: String { "scale \(scale) zero point \(zeroPoint)" }
}
