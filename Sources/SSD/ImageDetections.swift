/// One image's detections in the project's JSON schema (docs/JSON.md): what `ssd-detect --json` prints per
/// image and the HTTP service returns.
public struct ImageDetections: Sendable, Codable {
    /// The input file, on the command line.
    public var path: String?
    public var width: Int
    public var height: Int
    public var detections: [Detection]
    /// Milliseconds per stage: decode, preprocess, network, postprocess, total.
    public var timingMs: [String: Double]

    enum CodingKeys: String, CodingKey {
        case path, width, height, detections, timingMs = "timing_ms"
    }

    public init(path: String?, width: Int, height: Int, detections: [Detection], timingMs: [String: Double]) {
        self.path = path
        self.width = width
        self.height = height
        self.detections = detections
        self.timingMs = timingMs
    }
}
