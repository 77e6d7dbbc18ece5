/// Why an image could not be decoded. Every case has a short message for people (`description`).
public enum ImageDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing to decode.
    case empty
    /// The bytes are not a JPEG or PNG; `detected` names what they are when recognised.
    case unsupportedFormat(detected: ImageFormat?)
    /// The header's size is over the configured limits (checked before allocating pixels).
    case tooLarge(width: Int, height: Int, limits: ImageLimits)
    /// The header gives a size of zero or otherwise impossible.
    case invalidDimensions(format: ImageFormat, width: Int, height: Int)
    /// The data ends before the image does.
    case truncated(format: ImageFormat, detail: String)
    /// The data is damaged or not valid for its format; `detail` is the codec's own explanation.
    case corrupt(format: ImageFormat, detail: String)

    /// A short message for people; `code` is the stable, machine-readable form.
    public var description: String {
        switch self {
        case .empty:
            return "empty image data"
        case .unsupportedFormat(let detected?):
            return "unsupported image format \(detected.rawValue) (supported: JPEG, PNG)"
        case .unsupportedFormat(nil):
            return "unrecognised image data (supported: JPEG, PNG)"
        case .tooLarge(let w, let h, let limits):
            return "image \(w)x\(h) is over the limit (\(limits.maxPixels) pixels, \(limits.maxSide) a side)"
        case .invalidDimensions(let format, let w, let h):
            return "\(format.rawValue) header gives an invalid size \(w)x\(h)"
        case .truncated(let format, let detail):
            return "truncated \(format.rawValue): \(detail)"
        case .corrupt(let format, let detail):
            return "corrupt \(format.rawValue): \(detail)"
        }
    }

    /// A stable machine-readable code, for logs and error payloads.
    public var code: String {
        switch self {
        case .empty: return "empty_image"
        case .unsupportedFormat: return "unsupported_format"
        case .tooLarge: return "image_too_large"
        case .invalidDimensions: return "invalid_dimensions"
        case .truncated: return "truncated_image"
        case .corrupt: return "corrupt_image"
        }
    }
}
