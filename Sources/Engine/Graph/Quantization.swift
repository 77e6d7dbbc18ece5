/// Per-tensor affine quantization: real = scale * (quantized - zeroPoint).
public struct Quantization: Sendable, Equatable, CustomStringConvertible {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The real value of a quantized one.
    public func dequantize(_ quantized: Int32) -> Float { scale * Float(quantized - zeroPoint) }

    public var description: String { "scale \(scale) zero point \(zeroPoint)" }
}
