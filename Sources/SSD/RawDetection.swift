/// A detection as the postprocess produces it: a class index (0-based, background excluded), its score, and the
/// decoded box in normalized coordinates, not clipped.
public struct RawDetection: Sendable, Equatable {
    public var classIndex: Int
    public var score: Float
    public var box: BoundingBox

    public init(classIndex: Int, score: Float, box: BoundingBox) {
        self.classIndex = classIndex
        self.score = score
        self.box = box
    }
}
