import Engine
import ImageIO

/// Whether two detectors (the same model on two backends) agree on one image: their raw heads within the engine's
/// bound, where the heads are quantized, and the same detections.
public struct DetectorAgreement: Sendable {
    /// Box encodings, then class scores, against the baseline's; empty for float heads.
    public var heads: [HeadComparison]
    /// Detections of the detector under test, at the score threshold compared.
    public var detections: Int
    /// Detections of the baseline, at the same threshold.
    public var baselineDetections: Int
    /// Detections of either detector that the other lacks.
    public var unmatched: Int

    /// Detections are the same when they have the same class, an IoU of at least this and scores this close:
    /// tighter than the conformance check against the TFLite runtime (0.7 and 0.1), as backends that agree
    /// within a step or two of the heads move a box by far less.
    public static let minimumIoU: Float = 0.95
    /// The largest score difference between detections counted the same (scores are 0...1).
    public static let maximumScoreDifference: Float = 0.02

    /// A verdict from figures already taken; `init(_:against:image:scoreThreshold:)` takes them.
    public init(heads: [HeadComparison], detections: Int, baselineDetections: Int, unmatched: Int) {
        self.heads = heads
        self.detections = detections
        self.baselineDetections = baselineDetections
        self.unmatched = unmatched
    }

    /// Every head within `HeadComparison.meetsTFLiteBound`, and no detection unmatched.
    public var holds: Bool { heads.allSatisfy(\.meetsTFLiteBound) && unmatched == 0 }

    /// One line: the verdict, the heads, the detections.
    public var summary: String {
        let headText = zip(["box encodings", "class scores"], heads).map { "\($0) \($1)" }.joined(separator: "; ")
        return (holds ? "agrees" : "DOES NOT AGREE") + ": " + (headText.isEmpty ? "" : headText + "; ")
            + "detections \(detections) vs \(baselineDetections), \(unmatched) unmatched"
    }
}

extension DetectorAgreement {
    /// Detects `image` with both detectors and compares the heads, and the detections scored at least
    /// `scoreThreshold` (the CLI's and the server's default; the model's own threshold lets through boxes whose
    /// order among near-equal low scores means nothing).
    public init(_ detector: Detector, against baseline: Detector, image: RGBImage, scoreThreshold: Float = 0.5)
        throws(SSDError)
    {
        let ours = try detector.detect(image, scoreThreshold: scoreThreshold).detections
        let theirs = try baseline.detect(image, scoreThreshold: scoreThreshold).detections
        var heads: [HeadComparison] = []
        if let mine = detector.lastQuantizedHeads, let others = baseline.lastQuantizedHeads {
            heads = zip(mine, others).map { HeadComparison($0, $1) }
        }
        self.init(
            heads: heads, detections: ours.count, baselineDetections: theirs.count,
            unmatched: ours.filter { !Self.contains(theirs, $0) }.count
                + theirs.filter { !Self.contains(ours, $0) }.count)
    }

    private static func contains(_ detections: [Detection], _ detection: Detection) -> Bool {
        detections.contains { other in
            other.classIndex == detection.classIndex && abs(other.score - detection.score) <= maximumScoreDifference
                && other.normalizedBox.intersectionOverUnion(detection.normalizedBox) >= minimumIoU
        }
    }
}
