extension PostprocessOptions {
    /// The score thresholds a model may carry: scores are probabilities (after the model's sigmoid or softmax).
    public static let scoreThresholdRange: ClosedRange<Float> = 0...1

    /// The box coder scales a model may carry. TF's are 10 and 5 (Caffe's variances 0.1 and 0.2), 1 is none; a
    /// scale near 0 or past this range turns every encoding into an infinite or degenerate box.
    public static let scaleRange: ClosedRange<Float> = 0.001...1000

    /// Throws the first option outside its range, as `SSDError.invalidOption` with TFLite's name for it (the hard
    /// NMS's candidates by its authors' name, candidate_size). With `anchorCount`, the counts are checked against
    /// the model's anchors too (nothing needs more slots than there are anchors, and the postprocess reserves that
    /// many); without, only what needs no anchors.
    public func validate(anchorCount: Int? = nil) throws(SSDError) {
        let anchorBound = anchorCount == nil ? "" : " (the model's anchors)"
        func check(_ name: String, _ value: Int, atMost maximum: Int?, _ reason: String) throws(SSDError) {
            guard value >= 1, value <= maximum ?? Int.max else {
                let upper = maximum.map { "\($0)" } ?? ""
                throw .invalidOption(name: name, value: "\(value)", allowed: "1...\(upper)\(reason)")
            }
        }
        func check(_ name: String, _ value: Float, _ range: ClosedRange<Float>) throws(SSDError) {
            guard range.contains(value) else {  // NaN too: it is in no range
                throw .invalidOption(name: name, value: "\(value)", allowed: "\(range)")
            }
        }
        try check("num_classes", classCount, atMost: nil, "")
        try check("max_detections", maximumDetections, atMost: anchorCount, anchorBound)
        try check("max_classes_per_detection", maximumClassesPerDetection, atMost: classCount, " (num_classes)")
        try check("detections_per_class", detectionsPerClass, atMost: anchorCount, anchorBound)
        if case .hardPerClass(let candidates) = nms {
            try check("candidate_size", candidates, atMost: anchorCount, anchorBound)
        }
        try check("nms_score_threshold", scoreThreshold, Self.scoreThresholdRange)
        guard iouThreshold > 0, iouThreshold <= 1 else {
            throw .invalidOption(name: "nms_iou_threshold", value: "\(iouThreshold)", allowed: "(0, 1]")
        }
        try check("y_scale", boxCoder.yScale, Self.scaleRange)
        try check("x_scale", boxCoder.xScale, Self.scaleRange)
        try check("h_scale", boxCoder.heightScale, Self.scaleRange)
        try check("w_scale", boxCoder.widthScale, Self.scaleRange)
    }
}
