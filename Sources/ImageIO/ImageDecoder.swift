/// Decodes JPEG and PNG bytes to upright RGB8, enforcing `limits` before any pixel memory is allocated.
///
/// Stateless and `Sendable`: every call owns its codec handles, so one decoder serves any number of threads.
public struct ImageDecoder: Sendable {
    /// Size limits checked against the header.
    public var limits: ImageLimits
    /// What to do when libjpeg-turbo warns (damaged or truncated entropy data).
    public var jpegWarnings: JPEGWarningPolicy

    /// A decoder with the given limits (default 40 MP, 16384 a side) and strict JPEG warnings.
    public init(limits: ImageLimits = ImageLimits(), jpegWarnings: JPEGWarningPolicy = .reject) {
        self.limits = limits
        self.jpegWarnings = jpegWarnings
    }

    /// Decodes `bytes`, sniffing the format from its leading bytes.
    ///
    /// - Parameter reduceTo: when set, a large JPEG is decoded at the smallest DCT scale (1/2, 1/4, 1/8) whose
    ///   upright result still covers this size: about 4x faster for a 12-megapixel photo, but no longer exactly
    ///   Pillow's pixels (docs/PERFORMANCE.md measures both). PNG ignores it.
    public func decode(_ bytes: UnsafeRawBufferPointer, reduceTo: ImageSize? = nil) throws(ImageDecodingError)
        -> DecodedImage
    {
        guard !bytes.isEmpty else { throw .empty }
        switch ImageFormat.sniff(bytes) {
        case .jpeg: return try JPEGDecoder(limits: limits, warnings: jpegWarnings).decode(bytes, reduceTo: reduceTo)
        case .png: return try PNGDecoder(limits: limits).decode(bytes)
        case let other: throw .unsupportedFormat(detected: other)
        }
    }

    /// Decodes `bytes`; see `decode(_:reduceTo:)`.
    public func decode(_ bytes: [UInt8], reduceTo: ImageSize? = nil) throws(ImageDecodingError) -> DecodedImage {
        try bytes.withBytes { (raw) throws(ImageDecodingError) -> DecodedImage in
            try decode(raw, reduceTo: reduceTo)
        }
    }
}

/// How strictly to treat libjpeg-turbo warnings.
///
/// libjpeg-turbo "warns" and goes on for damage such as a truncated file, filling what is missing with grey.
/// A detector fed half a grey picture returns confident nonsense, so the default refuses such files.
public enum JPEGWarningPolicy: Sendable {
    /// Any warning is an error (`.truncated` or `.corrupt`).
    case reject
    /// Keep whatever libjpeg-turbo produced, as most image viewers do.
    case accept
}

/// A width and a height in pixels.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A size of `width` x `height`.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// "WIDTHxHEIGHT", as in "640x480".
    public var description: String { "\(width)x\(height)" }
}

/// A decoded, upright image and what was learned decoding it.
public struct DecodedImage: Sendable {
    /// The pixels, upright. Smaller than `originalSize` when DCT scaling was used.
    public var image: RGBImage
    /// The container format.
    public var format: ImageFormat
    /// The upright size of the full-resolution image (what detections are reported against).
    public var originalSize: ImageSize
    /// The EXIF orientation that was applied.
    public var orientation: Orientation
    /// The DCT scale the JPEG was decoded at (1/1 when not reduced).
    public var scale: (numerator: Int, denominator: Int)
}
