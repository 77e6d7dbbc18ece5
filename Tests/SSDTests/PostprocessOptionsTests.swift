import Engine
import SSD
import Testing

struct PostprocessOptionsTests {
    static func options(_ entries: [(String, FlexValue)]) -> FlexValue { .map(entries.map { (key: $0.0, value: $0.1) }) }

    @Test func defaultsForAbsentKeys() throws {
        let options = try PostprocessOptions(tfliteOptions: Self.options([("num_classes", .int(90)), ("max_detections", .int(10))]))
        #expect(options.classCount == 90 && options.maximumDetections == 10)
        #expect(options.maximumClassesPerDetection == 1 && options.detectionsPerClass == 100)
        #expect(!options.useRegularNMS && options.boxCoder == BoxCoder(yScale: 10, xScale: 10, heightScale: 5, widthScale: 5))
    }

    @Test(arguments: [
        [("max_detections", FlexValue.int(10))],
        [("num_classes", .int(0)), ("max_detections", .int(10))],
        [("num_classes", .int(90)), ("max_detections", .int(-1))],
        [("num_classes", .int(90)), ("max_detections", .int(10)), ("nms_iou_threshold", .float(0))],
        [("num_classes", .int(90)), ("max_detections", .int(10)), ("y_scale", .float(0))],
        [("num_classes", .string("ninety")), ("max_detections", .int(10))],
    ])
    func invalidOptionsAreTypedErrors(_ entries: [(String, FlexValue)]) {
        #expect(throws: SSDError.self) { try PostprocessOptions(tfliteOptions: Self.options(entries)) }
    }
}
