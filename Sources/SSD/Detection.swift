/// One detected object.
public struct Detection: Sendable, Equatable, Codable {
    /// The class name from the label map, or "class N" where it has none.
    public var label: String
    /// The model's class index (0-based, background excluded).
    public var classId: Int
    /// The model's score for the class, dequantized (a probability, 0...1, for sigmoid or softmax heads).
    public var score: Float
    /// Pixels of the (orientation-corrected) image: xmin, ymin, xmax, ymax, clipped to the image.
    public var box: [Float]
    /// The same box normalized to [0, 1]: xmin, ymin, xmax, ymax.
    public var normalizedBox: [Float]

    enum CodingKeys: String, CodingKey {
        case label, classId = "class_id", score, box, normalizedBox = "box_normalized"
    }

    /// A detection as given; `box` and `normalizedBox` are xmin, ymin, xmax, ymax.
    public init(label: String, classId: Int, score: Float, box: [Float], normalizedBox: [Float]) {
        self.label = label
        self.classId = classId
        self.score = score
        self.box = box
        self.normalizedBox = normalizedBox
    }

    /// A postprocess result placed on an image of `width` x `height` pixels.
    public init(_ raw: RawDetection, labels: LabelMap, width: Int, height: Int) {
        let box = raw.box.clipped
        self.init(
            label: labels.label(for: raw.classIndex), classId: raw.classIndex, score: raw.score,
            box: [
                box.xmin * Float(width), box.ymin * Float(height), box.xmax * Float(width), box.ymax * Float(height),
            ],
            normalizedBox: [box.xmin, box.ymin, box.xmax, box.ymax])
    }
}
