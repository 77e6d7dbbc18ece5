extension ModelManifest {
    /// How the box head's outputs become boxes: `decode` in model.json.
    public enum Decode: Sendable, Equatable {
        /// `"embedded"`: the TFLite model's own TFLite_Detection_PostProcess decodes, with its own scales.
        case embedded
        /// `"in-graph"`: the graph outputs decoded boxes, normalized corners (xmin, ymin, xmax, ymax)
        /// (`BoxEncoding.cornersXYXY`); no anchors needed.
        case inGraph
        /// `{"center_variance", "size_variance", "order"}`: center-size offsets against the anchors, in the
        /// encoding's order; the coder's scales are 1 / variance (0.1 and 0.2 make TensorFlow's 10 and 5).
        case centerSize(BoxCoder, BoxEncoding)

        static let keys = ["center_variance", "size_variance", "order"]

        /// `decode` of `root`: one of the two strings, or the object.
        init(_ root: ManifestObject) throws {
            let expected = "expected \"embedded\", \"in-graph\" or an object {center_variance, size_variance, order}"
            if let name = try? root.container.decode(String.self, forKey: "decode") {
                switch name {
                case "embedded": self = .embedded
                case "in-graph": self = .inGraph
                default: throw root.failure("decode", reason: "\"\(name)\": \(expected)")
                }
                return
            }
            let object: ManifestObject
            do { object = try root.object("decode", allowing: Self.keys) } catch DecodingError.typeMismatch {
                throw root.failure("decode", reason: expected)
            }
            let center = try object.number("center_variance", ModelManifest.varianceBounds)
            let size = try object.number("size_variance", ModelManifest.varianceBounds)
            let order = try object.choice(
                "order", [BoxEncoding.centerSizeYXHW, .centerSizeXYWH].map { ($0.rawValue, $0) })
            self = .centerSize(
                BoxCoder(yScale: 1 / center, xScale: 1 / center, heightScale: 1 / size, widthScale: 1 / size), order)
        }
    }
}
