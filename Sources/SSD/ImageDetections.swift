/// One image's detections in the project's JSON schema (docs/JSON.md): what `ssd-detect --json` prints per
/// image and the HTTP service returns.
public struct ImageDetections: Sendable, Codable {
    /// The input file, on the command line.
    public var path: String?
    /// Width in pixels of the decoded, upright image: the frame of the detections' `box`.
    public var width: Int
    /// Height in pixels of the decoded, upright image.
    public var height: Int
    /// Best first, after any class filter the request asked for.
    public var detections: [Detection]
    /// Milliseconds per stage: decode, preprocess, network, postprocess, and their total.
    public var timings: StageTimings

    enum CodingKeys: String, CodingKey {
        case path, width, height, detections, timings = "timing_ms"
    }

    /// A result as given; `path` nil where the image came from no file (HTTP).
    public init(path: String?, width: Int, height: Int, detections: [Detection], timings: StageTimings) {
        self.path = path
        self.width = width
        self.height = height
        self.detections = detections
        self.timings = timings
    }
}
