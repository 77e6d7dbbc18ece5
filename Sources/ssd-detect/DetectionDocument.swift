import Inference
import SSD

/// What `ssd-detect --json` prints (docs/JSON.md): the model, the backend, and an entry per image in the order
/// given, encoded with sorted keys, pretty-printed.
struct DetectionDocument: Encodable {
    /// One image: its detections, or why it failed.
    enum Entry: Encodable {
        /// The image object of the schema, with its path.
        case detected(ImageDetections)
        /// {"path": ..., "error": {"code": ..., "message": ...}}.
        case failed(path: String, ErrorBody)

        private enum Key: String, CodingKey { case path }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .detected(let result):
                try result.encode(to: encoder)
            case .failed(let path, let body):
                try body.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(path, forKey: .path)
            }
        }
    }

    /// The model file's name.
    let model: String
    /// The backend that ran the network.
    let backend: String
    /// One entry per input.
    let images: [Entry]
}
