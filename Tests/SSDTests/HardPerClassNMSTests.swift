import Engine
import SSD
import Testing

/// The hard NMS of PyTorch SSDs (UltraFace's `box_utils.hard_nms`) on hand-made heads, each case one where it and
/// TFLite's regular NMS keep different boxes: the strict threshold, the per-class candidate cap, the 1e-5 in the
/// union, and the order across classes.
struct HardPerClassNMSTests {
    /// Boxes as anchors with zero encodings (each decodes to its anchor exactly: the sides are powers of two), and
    /// scores [boxes, 1 + classes] with a background column.
    static func detections(
        boxes: [Anchor], scores: [[Float]], nms: NonMaximumSuppression, scoreThreshold: Float = 0.5,
        iouThreshold: Float = 0.3, maximumDetections: Int = 10
    ) -> [RawDetection] {
        let options = PostprocessOptions(
            classCount: scores[0].count - 1, maximumDetections: maximumDetections, detectionsPerClass: boxes.count,
            nms: nms, scoreThreshold: scoreThreshold, iouThreshold: iouThreshold)
        let encodings = [Float](repeating: 0, count: boxes.count * 4), flat = scores.flatMap { $0 }
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        return encodings.withUnsafeBytes { e in
            flat.withUnsafeBytes { s in
                SSDPostprocessor(anchors: boxes, options: options).detections(
                    encodings: TensorValues(e, tensor: tensor([boxes.count, 4])),
                    scores: TensorValues(s, tensor: tensor([boxes.count, scores[0].count])))
            }
        }
    }

    /// A square of side `side` with its top-left corner at (x, y).
    static func square(x: Float, y: Float = 0, side: Float = 0.25) -> Anchor {
        Anchor(yCenter: y + side / 2, xCenter: x + side / 2, height: side, width: side)
    }

    /// Squares far enough apart not to overlap.
    static func apart(_ count: Int) -> [Anchor] {
        (0..<count).map { square(x: Float($0 % 64) / 64, y: Float($0 / 64) / 64, side: 1 / 128) }
    }

    @Test func aScoreEqualToTheThresholdIsDroppedOnlyByHardNMS() {
        let scores: [[Float]] = [[0, 0.9], [0, 0.7]]
        let boxes = [Self.square(x: 0), Self.square(x: 0.5)]
        let hard = Self.detections(
            boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200), scoreThreshold: 0.7)
        let regular = Self.detections(boxes: boxes, scores: scores, nms: .tfliteRegular, scoreThreshold: 0.7)
        #expect(hard.map(\.score) == [0.9])
        #expect(regular.map(\.score) == [0.9, 0.7])
    }

    /// Only the best `candidates` of a class take part, suppressed ones included: the third box, which nothing
    /// overlaps, is cut by a cap of 2 although only one box is kept.
    @Test func theCandidateCapCountsSuppressedCandidates() {
        let boxes = [Self.square(x: 0), Self.square(x: 0.01), Self.square(x: 0.5)]
        let scores: [[Float]] = [[0, 0.9], [0, 0.8], [0, 0.75]]
        let capped = Self.detections(boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 2))
        #expect(capped.map(\.score) == [0.9])
        #expect(
            Self.detections(boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 3)).map(\.score) == [
                0.9, 0.75,
            ])
        #expect(Self.detections(boxes: boxes, scores: scores, nms: .tfliteRegular).map(\.score) == [0.9, 0.75])
    }

    /// The authors' 200: of 201 boxes that overlap nothing, the lowest-scored is never considered.
    @Test func twoHundredCandidatesPerClass() {
        let boxes = Self.apart(201)
        let scores = (0..<201).map { [0, 0.99 - Float($0) * 0.001] }
        let hard = Self.detections(
            boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200), maximumDetections: 201)
        let regular = Self.detections(boxes: boxes, scores: scores, nms: .tfliteRegular, maximumDetections: 201)
        #expect(hard.count == 200 && hard == Array(regular.prefix(200)))
        #expect(regular.count == 201)
    }

    /// Squares of side 1/4 a side apart overlap by 1/3 without the epsilon: hard NMS keeps the second box at a
    /// threshold exactly at its IoU with the epsilon (suppressing only what is above), TFLite's IoU is above it.
    @Test func theEpsilonInTheUnionAtAThresholdExactlyAtTheIoU() {
        let boxes = [Self.square(x: 0), Self.square(x: 0.125)]
        let scores: [[Float]] = [[0, 0.9], [0, 0.8]]
        let overlap: Float = 0.03125 / (0.0625 + 0.0625 - 0.03125 + 1e-5)  // the authors' iou_of, in float
        #expect(overlap < 1 / 3)
        let hard = Self.detections(
            boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200), iouThreshold: overlap)
        #expect(hard.map(\.score) == [0.9, 0.8])
        let below = Self.detections(
            boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200), iouThreshold: overlap.nextDown)
        #expect(below.map(\.score) == [0.9])
        let regular = Self.detections(boxes: boxes, scores: scores, nms: .tfliteRegular, iouThreshold: overlap)
        #expect(regular.map(\.score) == [0.9])
    }

    /// Small boxes: 1e-5 is a large part of their union, so an overlap above 0.3 falls below it.
    @Test func theEpsilonKeepsSmallBoxesThatTFLiteSuppresses() {
        let boxes = [Self.square(x: 0, side: 0.01), Self.square(x: 0.0052, side: 0.01)]  // IoU 0.316; 0.296 with it
        let scores: [[Float]] = [[0, 0.9], [0, 0.8]]
        #expect(Self.detections(boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200)).count == 2)
        #expect(Self.detections(boxes: boxes, scores: scores, nms: .tfliteRegular).count == 1)
    }

    /// Per class, then best first across the classes, ties in class order (a stable sort of the classes' results
    /// in turn); the caller's limit cuts the total. Four boxes, two under the threshold: limits are cut to the
    /// box count.
    @Test func resultsAreBestFirstAcrossClassesAndCutToTheLimit() {
        let boxes = [Self.square(x: 0), Self.square(x: 0.5), Self.square(x: 0, y: 0.5), Self.square(x: 0.5, y: 0.5)]
        let scores: [[Float]] = [[0, 0.8, 0.9], [0, 0.95, 0.8], [1, 0, 0], [1, 0, 0]]
        let all = Self.detections(boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200))
        #expect(all.map(\.classIndex) == [0, 1, 0, 1])
        #expect(all.map(\.score) == [0.95, 0.9, 0.8, 0.8])
        #expect(all.map(\.box.xmin) == [0.5, 0, 0, 0.5])
        let three = Self.detections(
            boxes: boxes, scores: scores, nms: .hardPerClass(candidates: 200), maximumDetections: 3)
        #expect(three == Array(all.prefix(3)))
    }
}
