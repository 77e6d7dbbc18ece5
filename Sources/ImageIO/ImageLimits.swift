/// Bounds checked against an image's header before any pixel memory is allocated.
public struct ImageLimits: Sendable, Equatable {
    /// The most pixels (width x height) an image may have.
    public var maxPixels: Int
    /// The longest either side may be.
    public var maxSide: Int

    /// Defaults: 40 megapixels, 16384 pixels a side.
    public init(maxPixels: Int = 40_000_000, maxSide: Int = 16384) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
    }

    /// Throws `.tooLarge` (or `.invalidDimensions` for a zero side) when a `width` x `height` image is refused.
    public func check(width: Int, height: Int, format: ImageFormat) throws(ImageDecodingError) {
        guard width > 0, height > 0 else { throw .invalidDimensions(format: format, width: width, height: height) }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw .tooLarge(width: width, height: height, limits: self)
        }
    }
}
