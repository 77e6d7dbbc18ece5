import CPUBackend
import Engine
import Foundation
import SSD
import Testing
import TestSupport

/// Hostile postprocess options, in a copy of the real model patched in its bytes, and hostile anchors and heads
/// made by hand: each refused at load with an error naming what is wrong, never a trap on the first detection.
struct SSDPostprocessorValidationTests {
    /// What loading the model patched with `option` = `value` throws (nil when it loads).
    static func loadError(_ option: String, _ value: FlexValue) throws -> SSDError? {
        let file = try PatchedModel.write(option: option, value: value)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        do {
            _ = try Detector(modelPath: file.path, backend: CPUBackend(), options: BackendOptions(threads: 1))
            return nil
        } catch {
            return error
        }
    }

    static let anchors = " (the model's anchors)"

    @Test(arguments: [
        ("max_detections", FlexValue.int(0x7fff_ffff), "2147483647", "1...1917" + anchors),
        ("max_detections", .int(1918), "1918", "1...1917" + anchors),
        ("max_detections", .int(0), "0", "1..."),
        ("max_detections", .int(-1), "-1", "1..."),
        (
            "num_classes", .int(0x7fff_ffff), "2147483647",
            "90...91 (the class scores [1, 1917, 91]: 91 per anchor, with or without a background column)"
        ),
        ("num_classes", .int(0), "0", "1..."),
        ("max_classes_per_detection", .int(91), "91", "1...90 (num_classes)"),
        ("nms_iou_threshold", .float(.infinity), "inf", "(0, 1]"),
        ("nms_iou_threshold", .float(1e30), "1e+30", "(0, 1]"),
        ("nms_iou_threshold", .float(-0.5), "-0.5", "(0, 1]"),
        ("nms_score_threshold", .float(.infinity), "inf", "0.0...1.0"),
        ("nms_score_threshold", .float(-.infinity), "-inf", "0.0...1.0"),
        ("y_scale", .float(.infinity), "inf", "0.001...1000.0"),
        ("y_scale", .float(1e30), "1e+30", "0.001...1000.0"),
        ("x_scale", .float(0), "0.0", "0.001...1000.0"),
        ("h_scale", .float(-5), "-5.0", "0.001...1000.0"),
        ("w_scale", .float(1e-30), "1e-30", "0.001...1000.0"),
    ])
    func aHostileOptionInTheModelIsRefusedByName(option: String, value: FlexValue, shown: String, allowed: String)
        throws
    {
        let error = try Self.loadError(option, value)
        #expect(error == .invalidOption(name: option, value: shown, allowed: allowed), "\(String(describing: error))")
    }

    @Test func theMessageNamesTheOptionItsValueAndTheRange() throws {
        let error = try #require(try Self.loadError("max_detections", .int(0x7fff_ffff)))
        #expect(
            error.description == "TFLite_Detection_PostProcess option max_detections = 2147483647 is outside "
                + "1...1917 (the model's anchors)")
    }

    /// The bounds are inclusive: a model asking for one detection per anchor loads.
    @Test func maximumDetectionsUpToTheAnchorsLoads() throws {
        let file = try PatchedModel.write(option: "max_detections", value: .int(1917))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let detector = try Detector(modelPath: file.path, backend: CPUBackend(), options: BackendOptions(threads: 1))
        #expect(detector.postprocessor.options.maximumDetections == 1917)
    }

    /// `inspect` reads the postprocess without a Detector; the same checks hold there.
    @Test func theEmbeddedPostprocessIsCheckedAsItIsRead() throws {
        let file = try PatchedModel.write(option: "y_scale", value: .float(.infinity))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let graph = try TFLiteLoader.load(contentsOf: file.path)
        let tail = graph.splittingCustomTail().tail
        #expect(throws: SSDError.invalidOption(name: "y_scale", value: "inf", allowed: "0.001...1000.0")) {
            _ = try SSDPostprocessor(embeddedIn: graph, tail: tail)
        }
    }

    static func postprocessor(_ anchors: [Anchor]) -> SSDPostprocessor {
        SSDPostprocessor(
            anchors: anchors,
            options: PostprocessOptions(
                classCount: 2, maximumDetections: 1,
                detectionsPerClass: 1))
    }

    static let anchor = Anchor(yCenter: 0.5, xCenter: 0.5, height: 0.2, width: 0.2)

    @Test(arguments: [
        Anchor(yCenter: .nan, xCenter: 0.5, height: 0.2, width: 0.2),
        Anchor(yCenter: 0.5, xCenter: .infinity, height: 0.2, width: 0.2),
        Anchor(yCenter: 0.5, xCenter: 0.5, height: 0, width: 0.2),
        Anchor(yCenter: 0.5, xCenter: 0.5, height: 0.2, width: -0.2),
        Anchor(yCenter: 0.5, xCenter: 0.5, height: 0.2, width: .infinity),
    ])
    func anAnchorThatIsNotAFiniteBoxIsRefusedByIndex(bad: Anchor) {
        #expect {
            try Self.postprocessor([Self.anchor, bad]).validate()
        } throws: { error in
            guard case .invalidModel(let reason) = error as? SSDError else { return false }
            return reason.hasPrefix("anchor 1 ")
        }
        #expect(throws: Never.self) { try Self.postprocessor([Self.anchor, Self.anchor]).validate() }
    }

    @Test func noAnchorsAreRefused() {
        #expect(throws: SSDError.invalidModel("the model has no anchors")) { try Self.postprocessor([]).validate() }
    }

    @Test func headsMustFitTheAnchorsAndTheClasses() throws {
        let postprocessor = Self.postprocessor([Self.anchor, Self.anchor])
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        try postprocessor.validate(encodings: tensor([1, 2, 4]), scores: tensor([1, 2, 3]))
        try postprocessor.validate(encodings: tensor([1, 2, 4]), scores: tensor([1, 2, 2]))
        #expect(
            throws: SSDError.invalidOption(
                name: "num_classes", value: "2",
                allowed: "4...5 (the class scores [1, 2, 5]: 5 per anchor, with or without a background column)")
        ) {
            try postprocessor.validate(encodings: tensor([1, 2, 4]), scores: tensor([1, 2, 5]))
        }
        #expect(throws: SSDError.self) {
            try postprocessor.validate(encodings: tensor([1, 3, 4]), scores: tensor([1, 2, 3]))
        }
    }

    static let corners = PostprocessOptions(
        classCount: 1, maximumDetections: 1, detectionsPerClass: 1, boxCoder: BoxCoder(encoding: .cornersXYXY))

    /// Boxes the graph decoded need no anchors, and are corners; the heads must fit their count.
    @Test func boxesTheGraphDecodedAreCornersWithoutAnchors() throws {
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        let postprocessor = SSDPostprocessor(inGraphBoxes: 2, options: Self.corners)
        try postprocessor.validate(encodings: tensor([1, 2, 4]), scores: tensor([1, 2, 2]))
        #expect(throws: SSDError.invalidModel("heads [1, 3, 4] and [1, 2, 2] do not fit 2 boxes")) {
            try postprocessor.validate(encodings: tensor([1, 3, 4]), scores: tensor([1, 2, 2]))
        }
        #expect(throws: SSDError.invalidModel("the model has no boxes")) {
            try SSDPostprocessor(inGraphBoxes: 0, options: Self.corners).validate()
        }
    }

    @Test func boxesTheGraphDecodedMustBeCorners() {
        var options = Self.corners
        options.boxCoder = BoxCoder(centerVariance: 0.1, sizeVariance: 0.2)
        #expect(throws: SSDError.invalidModel("boxes the graph decoded are corners (xyxy), not xywh encodings")) {
            try SSDPostprocessor(inGraphBoxes: 2, options: options).validate()
        }
    }

    /// Conversely, corners are only for boxes the graph decoded: with anchors, the encoding is wrong.
    @Test func cornersWithAnchorsAreRefused() {
        #expect(
            throws: SSDError.invalidModel(
                "corners (xyxy) are boxes the graph decoded, which take no anchors; this model has 2")
        ) {
            try SSDPostprocessor(anchors: [Self.anchor, Self.anchor], options: Self.corners).validate()
        }
    }

    /// The hard NMS's candidates are bounded by the boxes, as the other counts by the anchors.
    @Test func candidatesAreBoundedByTheBoxes() throws {
        var options = Self.corners
        options.nms = .hardPerClass(candidates: 2)
        try SSDPostprocessor(inGraphBoxes: 2, options: options).validate()
        options.nms = .hardPerClass(candidates: 3)
        #expect(
            throws: SSDError.invalidOption(name: "candidate_size", value: "3", allowed: "1...2 (the model's anchors)")
        ) {
            try SSDPostprocessor(inGraphBoxes: 2, options: options).validate()
        }
    }
}
