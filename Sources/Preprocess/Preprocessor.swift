import ImageIO

/// Turns a decoded image into a model's static input tensor: the spec's resize to its size, bit-exact with the
/// library the model was trained with (Pillow or OpenCV; no aspect preservation, as both reference pipelines do),
/// then the spec's pixel encoding and layout.
///
/// Writes into a caller-owned buffer; after the first image of a given size it allocates nothing.
/// Not thread-safe: give each worker its own.
public final class Preprocessor {
    /// The tensor this preprocessor writes.
    public let spec: InputSpec
    private let resizer: any ImageResizer
    /// Resized RGB8, for encodings that are not the raw bytes in NHWC order.
    private var resized: [UInt8]
    /// 256 entries per channel (R, G, B): the element for each pixel value.
    private let byteTable: [UInt8]
    private let floatTable: [Float]

    /// A preprocessor for `spec`.
    public init(spec: InputSpec) {
        self.spec = spec
        switch spec.resize {
        case .pillowBilinear: resizer = BilinearResizer(outputSize: spec.size)
        case .opencvBilinear: resizer = OpenCVBilinearResizer(outputSize: spec.size)
        }
        let direct = spec.encoding == .uint8 && spec.layout == .nhwc && spec.channelOrder == .rgb
        resized = direct ? [] : [UInt8](repeating: 0, count: spec.width * spec.height * 3)
        (byteTable, floatTable) = Self.tables(for: spec.encoding)
    }

    /// Resizes and encodes `image` into `tensor`, which must hold exactly `spec.byteCount` bytes.
    public func write(_ image: RGBImage, into tensor: UnsafeMutableRawBufferPointer) {
        precondition(
            tensor.count == spec.byteCount, "tensor buffer is \(tensor.count) bytes, spec needs \(spec.byteCount)")
        if resized.isEmpty {
            resizer.resize(image, into: tensor.bindMemory(to: UInt8.self))
            return
        }
        resized.withUnsafeMutableBufferPointer { rgb in
            resizer.resize(image, into: rgb)
            encode(UnsafeBufferPointer(rgb), into: tensor)
        }
    }

    private func encode(_ rgb: UnsafeBufferPointer<UInt8>, into tensor: UnsafeMutableRawBufferPointer) {
        let pixels = spec.width * spec.height
        // NHWC puts channel c of pixel p at 3p + c, NCHW at c * pixels + p.
        let (pixelStride, channelStride) = spec.layout == .nhwc ? (3, 1) : (1, pixels)
        // Tensor channel c holds image channel c (RGB) or 2 - c (BGR); the tables are by tensor channel.
        let last = spec.channelOrder == .bgr ? 2 : 0
        switch spec.encoding {
        case .uint8, .quantizedUInt8:
            let out = tensor.bindMemory(to: UInt8.self)
            byteTable.withUnsafeBufferPointer { table in
                for p in 0..<pixels {
                    for c in 0..<3 {
                        let source = rgb[3 * p + abs(last - c)]
                        out[p * pixelStride + c * channelStride] = table[c << 8 | Int(source)]
                    }
                }
            }
        case .float32:
            let out = tensor.bindMemory(to: Float.self)
            floatTable.withUnsafeBufferPointer { table in
                for p in 0..<pixels {
                    for c in 0..<3 {
                        let source = rgb[3 * p + abs(last - c)]
                        out[p * pixelStride + c * channelStride] = table[c << 8 | Int(source)]
                    }
                }
            }
        }
    }

    /// Lookup tables for `encoding`: the per-pixel arithmetic is done once per possible byte value.
    static func tables(for encoding: PixelEncoding) -> (bytes: [UInt8], floats: [Float]) {
        switch encoding {
        case .uint8:
            return ((0..<768).map { UInt8($0 & 0xFF) }, [])
        case .quantizedUInt8(let mean, let std, let scale, let zeroPoint):
            let bytes = (0..<768).map { i -> UInt8 in
                let real = (Float(i & 0xFF) - mean[i >> 8]) / std[i >> 8]
                let q = Int((real / scale).rounded()) + zeroPoint
                return UInt8(clamping: q)
            }
            return (bytes, [])
        case .float32(let mean, let std):
            return ([], (0..<768).map { i in (Float(i & 0xFF) - mean[i >> 8]) / std[i >> 8] })
        }
    }
}
