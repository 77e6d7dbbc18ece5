import Engine

/// Why a detector could not be built or run.
public enum SSDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model file could not be loaded or planned.
    case model(ModelError)
    /// The model loads but is not an SSD this module can postprocess (heads, anchors, options).
    case invalidModel(String)
    /// A label map that cannot be read or parsed.
    case labels(String)
    /// The backend failed during an inference.
    case run(String)

    public var description: String {
        switch self {
        case .model(let error): "\(error)"
        case .invalidModel(let reason): "not a supported SSD model: \(reason)"
        case .labels(let reason): "label map: \(reason)"
        case .run(let reason): "inference failed: \(reason)"
        }
    }
}
