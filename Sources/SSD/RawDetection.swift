/// A detection as the postprocess produces it: a class index (0-based, background excluded), its score, and the
/// decoded box in normalized coordinates, not clipped.
public struct RawDetection: Sendable, Equatable {
    /// 0-based, background excluded: the index `LabelMap.label(for:)` takes.
    public var classIndex: Int
    /// The class's score from the head, dequantized; in fast mode only an anchor's best class must meet the threshold.
    public var score: Float
    /// Decoded against the anchor, normalized, not clipped: it can reach outside [0, 1].
    public var box: BoundingBox

    /// A detection as given (tests, and the postprocess itself).
    public init(classIndex: Int, score: Float, box: BoundingBox) {
        self.classIndex = classIndex
        self.score = score
        self.box = box
    }
}
