/// Why an image could not be encoded.
public enum ImageEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codec refused the image; `detail` is its own message.
    case codecFailure(format: ImageFormat, detail: String)
    /// A quality outside 1...100.
    case invalidQuality(Int)

    /// One line for people, naming the format or the refused quality.
    public var description: String {
        switch self {
        case .codecFailure(let format, let detail): return "cannot encode \(format.rawValue): \(detail)"
        case .invalidQuality(let q): return "JPEG quality \(q) is outside 1...100"
        }
    }
}
