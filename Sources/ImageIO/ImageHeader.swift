/// What an image says about itself before any pixel is decoded: enough to budget the memory its decoding takes.
public struct ImageHeader: Sendable, Equatable {
    /// The container format.
    public var format: ImageFormat
    /// Width in pixels, as stored (before any EXIF turn).
    public var width: Int
    /// Height in pixels, as stored.
    public var height: Int
    /// The most memory decoding it holds at once, in bytes: the codec's output (RGBA or CMYK where the file has
    /// four channels), the RGB copy made from it, an upright copy, and a progressive JPEG's coefficients.
    public var decodingBytes: Int

    /// Bytes of the decoded RGB image: what stays held once decoding is done.
    public var decodedBytes: Int { width * height * 3 }
}

extension ImageDecoder {
    /// Reads the header of `bytes` and checks it against `limits`, decoding no pixels: the same refusals as
    /// `decode` (format, damage found in the header, size), at a fraction of its cost.
    public func header(_ bytes: [UInt8]) throws(ImageDecodingError) -> ImageHeader {
        try bytes.withBytes { (raw) throws(ImageDecodingError) -> ImageHeader in
            guard !raw.isEmpty else { throw .empty }
            switch ImageFormat.sniff(raw) {
            case .jpeg: return try JPEGDecoder(limits: limits, warnings: jpegWarnings).header(raw).header
            case .png: return try PNGDecoder(limits: limits).header(raw)
            case let other: throw .unsupportedFormat(detected: other)
            }
        }
    }
}
