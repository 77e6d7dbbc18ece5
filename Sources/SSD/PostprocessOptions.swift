import Engine

/// The settings of SSD's postprocess, as TFLite_Detection_PostProcess names them, and the NMS rule of the model's
/// family.
public struct PostprocessOptions: Sendable, Equatable {
    /// Classes, not counting the background.
    public var classCount: Int
    /// max_detections: the default limit of `detections`, at most the anchor count.
    public var maximumDetections: Int
    /// Fast mode: classes kept per anchor.
    public var maximumClassesPerDetection: Int
    /// Regular mode: detections kept per class.
    public var detectionsPerClass: Int
    /// Which NMS: TFLite's fast or regular mode (its use_regular_nms), or the hard per-class NMS of PyTorch SSDs.
    public var nms: NonMaximumSuppression
    /// nms_score_threshold, 0...1: candidates below it are dropped (at or below it with `.hardPerClass`); a
    /// caller's threshold can only raise it.
    public var scoreThreshold: Float
    /// nms_iou_threshold, in (0, 1]: a candidate that overlaps a kept box by more is suppressed.
    public var iouThreshold: Float
    /// y_scale, x_scale, h_scale, w_scale and the encoding: how the box head's rows are decoded.
    public var boxCoder: BoxCoder

    /// Options given directly, for models without TFLite_Detection_PostProcess; unchecked until
    /// `validate(anchorCount:)`. The defaults are TFLite's for its optional keys.
    public init(
        classCount: Int, maximumDetections: Int = 10, maximumClassesPerDetection: Int = 1,
        detectionsPerClass: Int = 100, nms: NonMaximumSuppression = .tfliteFast, scoreThreshold: Float = 0,
        iouThreshold: Float = 0.6,
        boxCoder: BoxCoder = BoxCoder()
    ) {
        self.classCount = classCount
        self.maximumDetections = maximumDetections
        self.maximumClassesPerDetection = maximumClassesPerDetection
        self.detectionsPerClass = detectionsPerClass
        self.nms = nms
        self.scoreThreshold = scoreThreshold
        self.iouThreshold = iouThreshold
        self.boxCoder = boxCoder
    }

    /// The options of a TFLite_Detection_PostProcess op (its FlexBuffers map), with TFLite's defaults for absent
    /// keys. Throws when a required key is missing, or a value is not a number or outside the ranges `validate()`
    /// checks without the anchors (the rest is checked against them by `SSDPostprocessor.validate`).
    public init(tfliteOptions options: FlexValue) throws(SSDError) {
        func integer(_ key: String, default fallback: Int? = nil) throws(SSDError) -> Int {
            guard let value = options[key] else {
                guard let fallback else { throw .invalidModel("TFLite_Detection_PostProcess has no \(key)") }
                return fallback
            }
            guard let integer = value.intValue else {
                throw .invalidOption(name: key, value: "\(value)", allowed: "the integers")
            }
            return integer
        }
        func real(_ key: String, default fallback: Float) throws(SSDError) -> Float {
            guard let value = options[key] else { return fallback }
            guard let number = value.doubleValue else {
                throw .invalidOption(name: key, value: "\(value)", allowed: "the numbers")
            }
            return Float(number)  // beyond Float's range, inf: refused by validate() as out of range
        }
        self.init(
            classCount: try integer("num_classes"), maximumDetections: try integer("max_detections"),
            maximumClassesPerDetection: try integer("max_classes_per_detection", default: 1),
            detectionsPerClass: try integer("detections_per_class", default: 100),
            nms: options["use_regular_nms"]?.boolValue == true ? .tfliteRegular : .tfliteFast,
            scoreThreshold: try real("nms_score_threshold", default: 0),
            iouThreshold: try real("nms_iou_threshold", default: 0.6),
            boxCoder: BoxCoder(
                yScale: try real("y_scale", default: 10), xScale: try real("x_scale", default: 10),
                heightScale: try real("h_scale", default: 5), widthScale: try real("w_scale", default: 5)))
        try validate()
    }
}
