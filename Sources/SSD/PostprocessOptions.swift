import Engine

/// The settings of SSD's postprocess, as TFLite_Detection_PostProcess names them.
public struct PostprocessOptions: Sendable, Equatable {
    /// Classes, not counting the background.
    public var classCount: Int
    public var maximumDetections: Int
    /// Fast mode: classes kept per anchor.
    public var maximumClassesPerDetection: Int
    /// Regular mode: detections kept per class.
    public var detectionsPerClass: Int
    /// Per-class NMS instead of one class-agnostic pass over each anchor's best classes.
    public var useRegularNMS: Bool
    public var scoreThreshold: Float
    public var iouThreshold: Float
    public var boxCoder: BoxCoder

    public init(classCount: Int, maximumDetections: Int = 10, maximumClassesPerDetection: Int = 1,
        detectionsPerClass: Int = 100, useRegularNMS: Bool = false, scoreThreshold: Float = 0, iouThreshold: Float = 0.6,
        boxCoder: BoxCoder = BoxCoder())
    {
        self.classCount = classCount
        self.maximumDetections = maximumDetections
        self.maximumClassesPerDetection = maximumClassesPerDetection
        self.detectionsPerClass = detectionsPerClass
        self.useRegularNMS = useRegularNMS
        self.scoreThreshold = scoreThreshold
        self.iouThreshold = iouThreshold
        self.boxCoder = boxCoder
    }

    /// The options of a TFLite_Detection_PostProcess op (its FlexBuffers map), with TFLite's defaults for absent
    /// keys. Throws when a required key is missing or a value is out of range.
    public init(tfliteOptions options: FlexValue) throws(SSDError) {
        func number(_ key: String) -> Double? { options[key]?.doubleValue }
        guard let classes = options["num_classes"]?.intValue, classes > 0 else {
            throw .invalidModel("TFLite_Detection_PostProcess has no positive num_classes")
        }
        guard let maximum = options["max_detections"]?.intValue, maximum > 0 else {
            throw .invalidModel("TFLite_Detection_PostProcess has no positive max_detections")
        }
        self.init(classCount: classes, maximumDetections: maximum,
            maximumClassesPerDetection: options["max_classes_per_detection"]?.intValue ?? 1,
            detectionsPerClass: options["detections_per_class"]?.intValue ?? 100,
            useRegularNMS: options["use_regular_nms"]?.boolValue ?? false,
            scoreThreshold: Float(number("nms_score_threshold") ?? 0), iouThreshold: Float(number("nms_iou_threshold") ?? 0.6),
            boxCoder: BoxCoder(yScale: Float(number("y_scale") ?? 10), xScale: Float(number("x_scale") ?? 10),
                heightScale: Float(number("h_scale") ?? 5), widthScale: Float(number("w_scale") ?? 5)))
        guard maximumClassesPerDetection >= 1, detectionsPerClass >= 1, iouThreshold > 0, iouThreshold <= 1,
            [boxCoder.yScale, boxCoder.xScale, boxCoder.heightScale, boxCoder.widthScale].allSatisfy({ $0 != 0 })
        else { throw .invalidModel("TFLite_Detection_PostProcess options out of range: \(options)") }
    }
}
