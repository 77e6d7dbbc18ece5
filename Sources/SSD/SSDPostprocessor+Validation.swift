import Engine

extension SSDPostprocessor {
    /// Throws unless this postprocess can run: at least one anchor, every anchor finite with a positive height and
    /// width, and the options in range for these anchors (`PostprocessOptions.validate(anchorCount:)`).
    public func validate() throws(SSDError) {
        guard !anchors.isEmpty else { throw .invalidModel("the model has no anchors") }
        if let index = anchors.firstIndex(where: { !$0.isUsable }) {
            let anchor = anchors[index]
            throw .invalidModel(
                "anchor \(index) (y \(anchor.yCenter), x \(anchor.xCenter), height \(anchor.height), "
                    + "width \(anchor.width)) is not finite with a positive height and width")
        }
        try options.validate(anchorCount: anchors.count)
    }

    /// `validate()`, and that the network's heads fit: `encodings` 4 numbers per anchor, `scores` num_classes per
    /// anchor with or without a leading background column (TFLite's rule).
    public func validate(encodings: Tensor, scores: Tensor) throws(SSDError) {
        try validate()
        guard encodings.elementCount == anchors.count * 4, scores.elementCount % anchors.count == 0 else {
            throw .invalidModel("heads \(encodings.shape) and \(scores.shape) do not fit \(anchors.count) anchors")
        }
        let columns = scores.elementCount / anchors.count
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
