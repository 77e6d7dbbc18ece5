/// One detected object.
///
/// In JSON (docs/JSON.md) its boxes are x-first arrays, [xmin, ymin, xmax, ymax], the order most tools use.
public struct Detection: Sendable, Equatable, Codable {
    /// The class name from the label map, or "class N" where it has none.
    public var label: String
    /// The model's class index (0-based, background excluded): `class_id` in JSON.
    public var classIndex: Int
    /// The model's score for the class, dequantized (a probability, 0...1, for sigmoid or softmax heads).
    public var score: Float
    /// In pixels of the (orientation-corrected) image, clipped to it unless the model's manifest says not to.
    public var box: BoundingBox
    /// The same box normalized to [0, 1].
    public var normalizedBox: BoundingBox

    enum CodingKeys: String, CodingKey {
        case label, classIndex = "class_id", score, box, normalizedBox = "box_normalized"
    }

    /// A detection as given: `box` in pixels, `normalizedBox` in [0, 1].
    public init(label: String, classIndex: Int, score: Float, box: BoundingBox, normalizedBox: BoundingBox) {
        self.label = label
        self.classIndex = classIndex
        self.score = score
        self.box = box
        self.normalizedBox = normalizedBox
    }

    /// A postprocess result placed on an image of `width` x `height` pixels, clipped to it unless `clipped` is
    /// false.
    public init(_ raw: RawDetection, labels: LabelMap, width: Int, height: Int, clipped: Bool = true) {
        let box = clipped ? raw.box.clipped : raw.box
        self.init(
            label: labels.label(for: raw.classIndex), classIndex: raw.classIndex, score: raw.score,
            box: BoundingBox(
                ymin: box.ymin * Float(height), xmin: box.xmin * Float(width), ymax: box.ymax * Float(height),
                xmax: box.xmax * Float(width)),
            normalizedBox: box)
    }

    /// Reads a detection whose boxes are [xmin, ymin, xmax, ymax] arrays.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func box(_ key: CodingKeys) throws -> BoundingBox {
            guard let box = BoundingBox(xyxy: try container.decode([Float].self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "a box is four numbers: xmin, ymin, xmax, ymax")
            }
            return box
        }
        self.init(
            label: try container.decode(String.self, forKey: .label),
            classIndex: try container.decode(Int.self, forKey: .classIndex),
            score: try container.decode(Float.self, forKey: .score), box: try box(.box),
            normalizedBox: try box(.normalizedBox))
    }

    /// Writes the detection with its boxes as [xmin, ymin, xmax, ymax] arrays.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        try container.encode(classIndex, forKey: .classIndex)
        try container.encode(score, forKey: .score)
        try container.encode(box.xyxy, forKey: .box)
        try container.encode(normalizedBox.xyxy, forKey: .normalizedBox)
    }
}
