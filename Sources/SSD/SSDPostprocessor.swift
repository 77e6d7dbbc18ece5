/// SSD's postprocess, as TFLite_Detection_PostProcess computes it: decode the boxes against the anchors (or take
/// those the graph decoded), then non-maximum suppression, class-agnostic over each anchor's best classes (fast
/// mode) or per class (regular). Or as PyTorch SSDs' own code does (`NonMaximumSuppression.hardPerClass`,
/// UltraFace's): hard NMS per class.
///
/// Same order and ties as TFLite: candidates sorted by score, ties by anchor index (TFLite's stable sort; in the
/// per-class modes by class, then anchor), an anchor's best class the lowest-numbered on ties; hard NMS breaks ties
/// the same way (the reference's numpy argsort leaves them to an unstable sort, and float scores rarely tie). Each
/// candidate is compared only with the detections already kept (at most `maximumDetections`), never with every
/// other anchor, and boxes are decoded only when needed.
public struct SSDPostprocessor: Sendable {
    /// One per row of the heads, in the order the network emits them; `validate()` checks them. Empty when the
    /// graph decodes the boxes itself (`init(inGraphBoxes:options:)`).
    public let anchors: [Anchor]
    /// The rows of the heads: one box each, `anchors.count`, or the count of boxes the graph decoded.
    public let boxCount: Int
    /// The model's thresholds, limits and box coding; `detections` may override the threshold and limit per call.
    public let options: PostprocessOptions

    /// Takes both as given, unchecked: `validate()` (or `validate(encodings:scores:)`) before trusting them.
    public init(anchors: [Anchor], options: PostprocessOptions) {
        self.anchors = anchors
        self.boxCount = anchors.count
        self.options = options
    }

    /// For a graph that decodes its boxes itself (UltraFace's version-RFB-320.onnx): `count` rows of normalized
    /// corners, which `options.boxCoder.encoding` must say (`.cornersXYXY`), and no anchors. Unchecked, as the
    /// other initializer: `validate()` refuses any other encoding.
    public init(inGraphBoxes count: Int, options: PostprocessOptions) {
        self.anchors = []
        self.boxCount = count
        self.options = options
    }

    /// Detections from the raw heads: `encodings` [boxes, 4] in the box coder's encoding and `scores` [boxes,
    /// classes] or [boxes, 1 + classes] (a leading background column). `scoreThreshold` and `maximumDetections`
    /// override the model's when given (a higher threshold only drops detections below it: lower-scored boxes
    /// never suppress higher ones). The limit is cut to the box count, the bound `validate()` puts on the
    /// model's own: nothing is reserved by a caller's count, even where the options were never validated.
    public func detections(
        encodings: TensorValues, scores: TensorValues, scoreThreshold: Float? = nil,
        maximumDetections: Int? = nil
    ) -> [RawDetection] {
        // A center-size encoding without an anchor per box has nothing to decode against (`validate()` refuses it).
        guard boxCount > 0, options.classCount >= 1, encodings.count == boxCount * 4,
            anchors.count == boxCount || options.boxCoder.encoding == .cornersXYXY
        else { return [] }
        let columns = scores.count / boxCount
        let firstClass = columns - options.classCount  // 1 with a background column
        let threshold = max(scoreThreshold ?? options.scoreThreshold, options.scoreThreshold)
        let limit = min(max(0, maximumDetections ?? options.maximumDetections), boxCount)
        guard firstClass >= 0, limit > 0 else { return [] }
        let strictThreshold = if case .hardPerClass = options.nms { true } else { false }
        let context = Context(
            postprocessor: self, encodings: encodings, scores: scores, columns: columns,
            firstClass: firstClass, threshold: threshold, strictThreshold: strictThreshold)
        switch options.nms {
        case .tfliteFast:
            return context.fast(limit: limit)
        case .tfliteRegular:
            return context.perClass(
                limit: limit, candidatesPerClass: .max, keptPerClass: options.detectionsPerClass,
                overlap: { $0.intersectionOverUnion($1) })
        case .hardPerClass(let candidates):
            return context.perClass(
                limit: limit, candidatesPerClass: candidates, keptPerClass: .max,
                overlap: { $0.hardNMSIntersectionOverUnion($1) })
        }
    }

    /// One call's inputs, with the NMS rules. An `anchor` here is a row's index, a box the graph decoded too. The
    /// orders the rules walk are in SSDPostprocessor+ScoreOrder.swift.
    struct Context {
        let postprocessor: SSDPostprocessor
        let encodings: TensorValues
        let scores: TensorValues
        let columns: Int
        let firstClass: Int
        let threshold: Float
        /// Hard NMS keeps only scores above the threshold; TFLite keeps those that reach it.
        let strictThreshold: Bool
        var options: PostprocessOptions { postprocessor.options }

        func box(_ anchor: Int) -> BoundingBox {
            let row = (
                encodings[anchor * 4], encodings[anchor * 4 + 1], encodings[anchor * 4 + 2], encodings[anchor * 4 + 3]
            )
            return options.boxCoder.decode(row, anchor: postprocessor.anchors[anchor])
        }

        func score(_ anchor: Int, _ classIndex: Int) -> Float { scores[anchor * columns + firstClass + classIndex] }

        func passes(_ score: Float) -> Bool { strictThreshold ? score > threshold : score >= threshold }

        /// Greedy NMS over `candidates` (anchors), already in decreasing score order: keeps a candidate unless it
        /// overlaps a kept one by more than the IoU threshold; stops at `limit`.
        func suppress(_ candidates: [Int], limit: Int) -> [(anchor: Int, box: BoundingBox)] {
            var kept: [(anchor: Int, box: BoundingBox)] = []
            kept.reserveCapacity(limit)
            for anchor in candidates {
                let box = box(anchor)
                if kept.allSatisfy({ $0.box.intersectionOverUnion(box) <= options.iouThreshold }) {
                    kept.append((anchor, box))
                    if kept.count == limit { break }
                }
            }
            return kept
        }

        /// One class-agnostic pass over each anchor's best score, then each kept anchor's best classes.
        func fast(limit: Int) -> [RawDetection] {
            let classesPerAnchor = max(0, min(options.maximumClassesPerDetection, options.classCount))
            var detections: [RawDetection] = []
            for (anchor, box) in suppress(anchorsByDecreasingBestScore(), limit: limit) {
                for classIndex in topClasses(of: anchor, count: classesPerAnchor) {
                    detections.append(RawDetection(classIndex: classIndex, score: score(anchor, classIndex), box: box))
                }
            }
            return detections
        }

        /// The `count` best classes of an anchor, best first, lower class first on ties.
        func topClasses(of anchor: Int, count: Int) -> [Int] {
            if count == 1 {
                var best = 0
                for classIndex in 1..<options.classCount where score(anchor, classIndex) > score(anchor, best) {
                    best = classIndex
                }
                return [best]
            }
            return (0..<options.classCount).map { ($0, score(anchor, $0)) }
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count).map(\.0)
        }

        /// NMS per class, then the best `limit` over all classes: TFLite's regular mode (up to detectionsPerClass
        /// kept per class) and hard NMS (only the best `candidatesPerClass` of each class considered, its own IoU).
        /// Computed as one walk over every (anchor, class) pair in decreasing score order, which decides each pair
        /// exactly as the per-class passes would (only higher pairs of its class matter), ranks the survivors as a
        /// stable sort of the classes' results would (ties by class), and can stop at `limit` survivors.
        func perClass(
            limit: Int, candidatesPerClass: Int, keptPerClass: Int,
            overlap: (_ kept: BoundingBox, _ candidate: BoundingBox) -> Float
        ) -> [RawDetection] {
            var kept = [[BoundingBox]](repeating: [], count: options.classCount)
            var considered = [Int](repeating: 0, count: options.classCount)
            var detections: [RawDetection] = []
            // Classes that take no more pairs: once all are, nothing later can change the result.
            var fullClasses = 0
            func isFull(_ classIndex: Int) -> Bool {
                considered[classIndex] >= candidatesPerClass || kept[classIndex].count >= keptPerClass
            }
            forEachPairByDecreasingScore { anchor, classIndex in
                guard !isFull(classIndex) else { return true }
                considered[classIndex] += 1
                let box = box(anchor)
                if kept[classIndex].allSatisfy({ overlap($0, box) <= options.iouThreshold }) {
                    kept[classIndex].append(box)
                    detections.append(RawDetection(classIndex: classIndex, score: score(anchor, classIndex), box: box))
                }
                if isFull(classIndex) { fullClasses += 1 }
                return detections.count < limit && fullClasses < options.classCount
            }
            return detections
        }
    }
}
