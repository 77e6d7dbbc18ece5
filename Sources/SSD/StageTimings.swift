/// Milliseconds spent on each stage of one image's detection: the `timing_ms` object of docs/JSON.md,
/// {"decode", "preprocess", "network", "postprocess", "total"}.
public struct StageTimings: Sendable, Equatable, Codable {
    /// The image's file bytes to RGB pixels (0 for pixels that were never compressed).
    public var decode: Double
    /// Resizing the image into the input tensor, pixel conversion included.
    public var preprocess: Double
    /// The backend's `run()`: the network without its postprocess.
    public var network: Double
    /// Decoding and NMS, and placing the boxes on the image.
    public var postprocess: Double

    /// The four stages together.
    public var total: Double { decode + preprocess + network + postprocess }

    enum CodingKeys: String, CodingKey {
        case decode, preprocess, network, postprocess, total
    }

    /// Timings as given.
    public init(decode: Double, preprocess: Double, network: Double, postprocess: Double) {
        self.decode = decode
        self.preprocess = preprocess
        self.network = network
        self.postprocess = postprocess
    }

    /// A detector's timing, after `decode` milliseconds of decoding the image.
    public init(decode: Double, detection: Detector.Timing) {
        self.init(
            decode: decode, preprocess: detection.preprocess, network: detection.network,
            postprocess: detection.postprocess)
    }

    /// Reads the four stages; `total`, computed from them, is not read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            decode: try container.decode(Double.self, forKey: .decode),
            preprocess: try container.decode(Double.self, forKey: .preprocess),
            network: try container.decode(Double.self, forKey: .network),
            postprocess: try container.decode(Double.self, forKey: .postprocess))
    }

    /// Writes the four stages and their `total`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(decode, forKey: .decode)
        try container.encode(preprocess, forKey: .preprocess)
        try container.encode(network, forKey: .network)
        try container.encode(postprocess, forKey: .postprocess)
        try container.encode(total, forKey: .total)
    }
}
