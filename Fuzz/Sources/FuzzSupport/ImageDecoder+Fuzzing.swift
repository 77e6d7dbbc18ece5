import ImageIO

extension ImageDecoder {
    /// The decoder of the image targets: the product's, with a smaller pixel limit. A mutated header often claims
    /// thousands of pixels a side; decoding that much grey from a few bytes finds nothing new and slows every run,
    /// while the limit check itself is the same code at any limit.
    public static let fuzzing = ImageDecoder(limits: ImageLimits(maxPixels: 1 << 20, maxSide: 16384))

    /// Decodes `bytes` as the service does (full size), or as the command line does (reduced to a target size,
    /// which takes libjpeg-turbo's DCT-scaling path) when the input's length is odd: a split that costs no input
    /// bytes, so every seed stays a plain image file.
    public func fuzz(_ bytes: UnsafeRawBufferPointer) throws {
        _ = try decode(bytes, reduceTo: bytes.count % 2 == 1 ? ImageSize(width: 3, height: 2) : nil)
    }
}
