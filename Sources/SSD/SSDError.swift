import Engine

/// Why a detector could not be built or run.
public enum SSDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No model file where one was asked for: a missing path, or a folder without exactly one .tflite file.
    case modelFile(String)
    /// Nothing found by the name or path given for a model; `tried` lists where it was looked for, in order.
    case modelNotFound(String, tried: [String])
    /// A model.json (docs/MODELS.md) at `path` that is not JSON or not a valid manifest: `key` is the JSON key path of
    /// what is wrong (`input.mean[1]`; empty for the document as a whole), `reason` what is wrong with it.
    case invalidManifest(path: String, key: String, reason: String)
    /// The model file could not be loaded or planned.
    case model(ModelError)
    /// The model loads but is not an SSD this module can postprocess (heads, anchors, options).
    case invalidModel(String)
    /// A postprocess option (TFLite_Detection_PostProcess's, by its name there) outside the range this module runs;
    /// `allowed` says the range and where it comes from.
    case invalidOption(name: String, value: String, allowed: String)
    /// A `maximumDetections` asked of `detect` outside 1...`limit` (the model's anchors).
    case maximumDetectionsOutOfRange(requested: Int, limit: Int)
    /// A label map that cannot be read or parsed.
    case labels(String)
    /// The backend failed during an inference.
    case run(String)

    /// One line for people: what the CLI prints and the server puts in its error messages.
    public var description: String {
        switch self {
        case .modelFile(let reason): reason
        case .modelNotFound(let name, let tried): "model not found: \(name) (tried \(tried.joined(separator: ", ")))"
        case .invalidManifest(let path, let key, let reason): "\(path): \(key.isEmpty ? "" : "\(key): ")\(reason)"
        case .model(let error): "\(error)"
        case .invalidModel(let reason): "not a supported SSD model: \(reason)"
        case .invalidOption(let name, let value, let allowed):
            "TFLite_Detection_PostProcess option \(name) = \(value) is outside \(allowed)"
        case .maximumDetectionsOutOfRange(let requested, let limit):
            "maximum detections \(requested) is outside 1...\(limit) (the model's anchors)"
        case .labels(let reason): "label map: \(reason)"
        case .run(let reason): "inference failed: \(reason)"
        }
    }
}
