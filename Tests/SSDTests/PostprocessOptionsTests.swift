import Engine
import SSD
import Testing

struct PostprocessOptionsTests {
    static func options(_ entries: [(String, FlexValue)]) -> FlexValue {
        .map(entries.map { (key: $0.0, value: $0.1) })
    }

    @Test func defaultsForAbsentKeys() throws {
        let options = try PostprocessOptions(
            tfliteOptions: Self.options([("num_classes", .int(90)), ("max_detections", .int(10))]))
        #expect(options.classCount == 90 && options.maximumDetections == 10)
        #expect(options.maximumClassesPerDetection == 1 && options.detectionsPerClass == 100)
        #expect(
            options.nms == .tfliteFast
                && options.boxCoder == BoxCoder(yScale: 10, xScale: 10, heightScale: 5, widthScale: 5))
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

    static let required: [(String, FlexValue)] = [("num_classes", .int(90)), ("max_detections", .int(10))]

    /// Values a hostile file can hold that no range check of the form `value > 0` catches.
    @Test(arguments: [
        ("nms_score_threshold", FlexValue.float(.nan), "nan", "0.0...1.0"),
        ("nms_iou_threshold", .float(.nan), "nan", "(0, 1]"),
        ("h_scale", .float(.nan), "nan", "0.001...1000.0"),
        ("w_scale", .float(1e300), "inf", "0.001...1000.0"),
        ("max_detections", .float(1.5), "1.5", "the integers"),
        ("max_detections", .uint(.max), "18446744073709551615", "the integers"),
        ("detections_per_class", .string("many"), "\"many\"", "the integers"),
        ("y_scale", .string("ten"), "\"ten\"", "the numbers"),
    ])
    func eachBadValueIsNamed(option: String, value: FlexValue, shown: String, allowed: String) {
        let entries = Self.required.filter { $0.0 != option } + [(option, value)]
        #expect(throws: SSDError.invalidOption(name: option, value: shown, allowed: allowed)) {
            try PostprocessOptions(tfliteOptions: Self.options(entries))
        }
    }

    /// The counts are bounded by the anchors only once they are known.
    @Test func countsAreCheckedAgainstTheAnchors() throws {
        let options = try PostprocessOptions(tfliteOptions: Self.options(Self.required))
        try options.validate(anchorCount: 100)
        #expect(
            throws: SSDError.invalidOption(
                name: "detections_per_class", value: "100",
                allowed: "1...99 (the model's anchors)")
        ) {
            try options.validate(anchorCount: 99)
        }
        #expect(
            throws: SSDError.invalidOption(
                name: "max_detections", value: "10",
                allowed: "1...9 (the model's anchors)")
        ) {
            try options.validate(anchorCount: 9)
        }
    }

    /// The hard NMS's candidates per class, by its authors' name: at least one, at most the anchors.
    @Test func hardNMSCandidatesAreBoundedByTheAnchors() throws {
        var options = PostprocessOptions(classCount: 1, maximumDetections: 1, nms: .hardPerClass(candidates: 0))
        #expect(throws: SSDError.invalidOption(name: "candidate_size", value: "0", allowed: "1...")) {
            try options.validate()
        }
        options.nms = .hardPerClass(candidates: 200)
        try options.validate(anchorCount: 200)
        #expect(
            throws: SSDError.invalidOption(
                name: "candidate_size", value: "200", allowed: "1...199 (the model's anchors)")
        ) {
            try options.validate(anchorCount: 199)
        }
    }

    /// Variances are the scales' reciprocals, so they have the same range, refused under the scales' names.
    @Test func variancesHaveTheScalesRange() throws {
        for variance: Float in [0.001, 0.1, 0.2, 1000] {
            try PostprocessOptions(
                classCount: 1, boxCoder: BoxCoder(centerVariance: variance, sizeVariance: variance)
            ).validate()
        }
        #expect(throws: SSDError.invalidOption(name: "y_scale", value: "inf", allowed: "0.001...1000.0")) {
            try PostprocessOptions(classCount: 1, boxCoder: BoxCoder(centerVariance: 0, sizeVariance: 0.2)).validate()
        }
        #expect(throws: SSDError.invalidOption(name: "h_scale", value: "1024.0", allowed: "0.001...1000.0")) {
            try PostprocessOptions(classCount: 1, boxCoder: BoxCoder(centerVariance: 0.1, sizeVariance: 1.0 / 1024))
                .validate()
        }
    }
}
