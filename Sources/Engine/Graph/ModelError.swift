/// Why a model file could not be loaded or planned. Every case names what is wrong, so that a user can tell a
/// damaged file from an unsupported one.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case unreadable(path: String, reason: String)
    /// Not a TFLite FlatBuffer (wrong or missing "TFL3" identifier).
    case notTFLite(found: String?)
    /// The container structure is damaged: an offset or length outside the file.
    case malformed(FlatBufferError)
    /// An ONNX file's protobuf encoding is damaged (truncated, an impossible length, a bad varint).
    case malformedProtobuf(ProtobufError)
    /// A custom op's FlexBuffers options are damaged.
    case malformedCustomOptions(op: String, FlexBufferError)
    /// A value the format allows but this model contradicts (a tensor index out of range, a shape that overflows,
    /// a constant whose size disagrees with its shape, ...).
    case invalid(String)
    /// An op (or a feature of one) that the engine does not implement.
    case unsupportedOperator(name: String, model: String, reason: String?)
    /// A tensor type, quantization scheme or layout the engine does not implement.
    case unsupported(String)
    /// The backend cannot run on this machine (a missing CPU feature, no accelerator).
    case backendUnavailable(backend: String, reason: String)
    /// A `BackendOptions` value outside what backends accept; `allowed` says the range.
    case invalidOption(name: String, value: String, allowed: String)

    /// One line for people, naming what is wrong: what the CLI prints and the server logs.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read model \(path): \(reason)"
        case .notTFLite(let found):
            "not a TFLite model: expected file identifier \"TFL3\", found \(found.map { "\"\($0)\"" } ?? "a file too short")"
        case .malformed(let error): "malformed model file: \(error)"
        case .malformedProtobuf(let error): "malformed ONNX file: \(error)"
        case .malformedCustomOptions(let op, let error): "malformed options of custom op \(op): \(error)"
        case .invalid(let reason): "invalid model: \(reason)"
        case .unsupportedOperator(let name, let model, let reason):
            "unsupported op \(name) in \(model)" + (reason.map { ": \($0)" } ?? "")
        case .unsupported(let reason): "unsupported model: \(reason)"
        case .backendUnavailable(let backend, let reason): "the \(backend) backend is unavailable: \(reason)"
        case .invalidOption(let name, let value, let allowed): "backend option \(name) = \(value) is outside \(allowed)"
        }
    }
}
