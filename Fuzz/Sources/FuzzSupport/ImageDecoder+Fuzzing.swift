import ImageIO

extension ImageDecoder {
    /// The decoder of the image targets: the product's, with a smaller pixel limit. A mutated header often claims
    /// thousands of pixels a side; decoding that much grey from a few bytes finds nothing new and slows every run,
    /// while the limit check itself is the same code at any limit.
    public static let fuzzing = ImageDecoder(limits: ImageLimits(maxPixels: 1 << 20, maxSide: 16384))

    /// Reads the header, then decodes, as the service does; the decoding is reduced to a target size (libjpeg-turbo's
    /// DCT scaling, as `ssd-detect preprocess --dct-scaling`) when the input's length is odd, a split that costs no
    /// input bytes, so every seed stays a plain image file. Traps if the decoded image outgrows its header: the
    /// service reserves memory from the header.
    public func fuzz(_ bytes: UnsafeRawBufferPointer) throws {
        let header = try header(Array(bytes))
        let reduced = bytes.count % 2 == 1
        let image = try decode(bytes, reduceTo: reduced ? ImageSize(width: 3, height: 2) : nil).image
        let pixels = image.width * image.height, declared = header.width * header.height
        precondition(
            reduced ? pixels <= declared : pixels == declared,
            "decoded \(image.width)x\(image.height) from a \(header.width)x\(header.height) header")
    }
}
