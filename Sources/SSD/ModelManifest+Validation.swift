extension ModelManifest {
    /// The largest input side: larger inputs are no SSD's, and every count derived from a side stays small.
    public static let maximumInputSide = 4096
    /// The most anchors a manifest may generate (the SSDs here have 1,917 to 17,640).
    public static let maximumAnchorCount = 1_000_000
    /// The bound of `candidates`, `max_detections` and `classes`.
    public static let maximumCount = 100_000
    /// Anchor layers (strides or feature maps) at most.
    public static let maximumAnchorLayers = 32
    /// Sizes or aspect ratios of one anchor layer at most.
    public static let maximumPerLayer = 16
    /// `input.mean`: pixel values are 0...255, so a mean far outside is a mistake.
    static let meanBounds = ManifestObject.Bounds.closed(-1000...1000)
    /// `input.std`: positive, and large enough that (p - mean) / std stays finite and meaningful.
    static let standardDeviationBounds = ManifestObject.Bounds.closed(0.001...1000)
    /// `decode.center_variance` and `size_variance`: their inverses, the coder's scales, stay in
    /// `PostprocessOptions.scaleRange` (0.001...1000).
    static let varianceBounds = ManifestObject.Bounds.closed(0.001...10)
    /// Anchor sizes and steps in input pixels.
    static let pixelSizeBounds = ManifestObject.Bounds.above(0, upTo: 65536)
    /// Anchor aspect ratios (width over height).
    static let aspectRatioBounds = ManifestObject.Bounds.closed(0.001...1000)

    /// The rules between keys, once each is valid on its own: what decodes the boxes must have the anchors it needs,
    /// and only a TFLite model may leave its postprocess to the model.
    func validateCombination(_ root: ManifestObject) throws {
        switch decode {
        case .embedded:
            guard format == .tflite else {
                throw root.failure(
                    "decode",
                    reason: "\"embedded\" is a TFLite model's own TFLite_Detection_PostProcess; an \(format.rawValue) "
                        + "model decodes \"in-graph\" or with {center_variance, size_variance, order}")
            }
            guard anchors == .embedded else {
                throw root.failure(
                    "anchors", "kind", reason: "must be \"embedded\" with \"decode\": \"embedded\" (the op's anchors)")
            }
        case .inGraph:
            guard anchors == .embedded else {
                throw root.failure(
                    "anchors", "kind", reason: "must be \"embedded\" with \"decode\": \"in-graph\" (the graph's priors)"
                )
            }
        case .centerSize:
            guard anchors != .embedded || format == .tflite else {
                throw root.failure(
                    "anchors", "kind",
                    reason: "an \(format.rawValue) model has no embedded anchors to decode against: generate them "
                        + "(tf-grid, caffe-priorbox, min-sizes) or decode \"in-graph\"")
            }
        }
        guard postprocess != nil || decode == .embedded else {
            throw root.failure("postprocess", reason: "missing: only \"decode\": \"embedded\" brings its own")
        }
    }
}
