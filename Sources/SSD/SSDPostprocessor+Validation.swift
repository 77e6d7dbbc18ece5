import Engine

extension SSDPostprocessor {
    /// Throws unless this postprocess can run: at least one anchor, every anchor finite with a positive height and
    /// width, and the options in range for these anchors (`PostprocessOptions.validate(anchorCount:)`). Boxes the
    /// graph decoded (`init(inGraphBoxes:options:)`, at least one) take no anchors and must be `.cornersXYXY`, the
    /// one encoding refused with anchors.
    public func validate() throws(SSDError) {
        let encoding = options.boxCoder.encoding
        if encoding == .cornersXYXY {
            guard anchors.isEmpty else {
                throw .invalidModel(
                    "corners (\(encoding.rawValue)) are boxes the graph decoded, which take no anchors; "
                        + "this model has \(anchors.count)")
            }
            guard boxCount > 0 else { throw .invalidModel("the model has no boxes") }
        } else if anchors.isEmpty {
            throw .invalidModel(
                boxCount > 0
                    ? "boxes the graph decoded are corners (xyxy), not \(encoding.rawValue) encodings"
                    : "the model has no anchors")
        }
        if let index = anchors.firstIndex(where: { !$0.isUsable }) {
            let anchor = anchors[index]
            throw .invalidModel(
                "anchor \(index) (y \(anchor.yCenter), x \(anchor.xCenter), height \(anchor.height), "
                    + "width \(anchor.width)) is not finite with a positive height and width")
        }
        try options.validate(anchorCount: boxCount)
    }

    /// `validate()`, and that the network's heads fit: `encodings` 4 numbers per box, `scores` num_classes per box
    /// with or without a leading background column (TFLite's rule).
    public func validate(encodings: Tensor, scores: Tensor) throws(SSDError) {
        try validate()
        guard encodings.elementCount == boxCount * 4, scores.elementCount % boxCount == 0 else {
            let rows = anchors.isEmpty ? "boxes" : "anchors"
            throw .invalidModel("heads \(encodings.shape) and \(scores.shape) do not fit \(boxCount) \(rows)")
        }
        let columns = scores.elementCount / boxCount
        guard columns == options.classCount || columns == options.classCount + 1 else {
            throw .invalidOption(
                name: "num_classes", value: "\(options.classCount)",
                allowed: "\(max(columns - 1, 1))...\(columns) (the class scores \(scores.shape): \(columns) per "
                    + "anchor, with or without a background column)")
        }
    }
}

extension Anchor {
    /// Finite, with a positive height and width: a box that decoding and IoU can use.
    fileprivate var isUsable: Bool {
        yCenter.isFinite && xCenter.isFinite && height.isFinite && width.isFinite && height > 0 && width > 0
    }
}
