extension ModelManifest {
    /// The NMS and its thresholds: `postprocess` in model.json. The scores' first column is the background when the
    /// score head has one more column than `classCount` (both SSD families here), as TFLite_Detection_PostProcess
    /// reads it.
    public struct Postprocess: Sendable, Equatable {
        /// Which suppression, with its candidates per class for `hardPerClass`.
        public let nms: NonMaximumSuppression
        /// Scores below it are dropped (`hardPerClass`: at or below), 0...1.
        public let scoreThreshold: Float
        /// A candidate overlapping a kept box by more is suppressed, in (0, 1].
        public let iouThreshold: Float
        /// Detections kept per image, 1...`ModelManifest.maximumCount`.
        public let maximumDetections: Int
        /// Classes, not counting the background; nil to take them from the score head.
        public let classCount: Int?
        /// Boxes clipped to the image (`clip_boxes`, default true); false keeps a box that runs past the image's
        /// edge as the model's authors report it (UltraFace's code does not clip).
        public let clipsBoxes: Bool

        static let keys = [
            "nms", "score_threshold", "iou_threshold", "candidates", "max_detections", "classes", "clip_boxes",
        ]

        /// `nms` by name, before its candidates are known.
        private enum Kind { case fast, regular, hardPerClass }

        init(_ object: ManifestObject) throws {
            let counts = 1...ModelManifest.maximumCount
            let kind = try object.choice(
                "nms", [("tflite-fast", Kind.fast), ("tflite-regular", .regular), ("hard-per-class", .hardPerClass)])
            switch kind {
            case .hardPerClass:
                nms = .hardPerClass(candidates: try object.integer("candidates", in: counts))
            case .fast, .regular:
                guard !object.contains("candidates") else {
                    throw object.failure("candidates", reason: "only for \"nms\": \"hard-per-class\"")
                }
                nms = kind == .fast ? .tfliteFast : .tfliteRegular
            }
            scoreThreshold = try object.number("score_threshold", .closed(PostprocessOptions.scoreThresholdRange))
            iouThreshold = try object.number("iou_threshold", .above(0, upTo: 1))
            maximumDetections = try object.integer("max_detections", in: counts)
            classCount = try object.contains("classes") ? object.integer("classes", in: counts) : nil
            clipsBoxes = try object.contains("clip_boxes") ? object.boolean("clip_boxes") : true
        }
    }
}
