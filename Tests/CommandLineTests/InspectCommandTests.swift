import Engine
import Foundation
import Testing
import TestSupport

/// `ssd-detect inspect`: what a model holds, and the same refusals as `detect`.
struct InspectCommandTests {
    @Test func describesTheModelAndItsAnchors() throws {
        let result = try DetectCommandTests.run(["inspect", DetectCommandTests.model])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("max_detections"))
        #expect(result.output.contains("anchors        1917 embedded"))
    }

    /// A catalog name, resolved: the manifest's preprocessing, generated priors and postprocess as they will run.
    @Test func showsWhatTheFaceModelsManifestResolvesTo() throws {
        let result = try DetectCommandTests.run(["inspect", "ultraface_rfb_320"])
        #expect(result.status == 0, "\(result.errors)")
        for line in [
            "(ONNX,",
            "preprocess     320x240 opencv-bilinear, RGB, (p - [127.0, 127.0, 127.0]) / [128.0, 128.0, 128.0]",
            "anchors        4420 generated (min-sizes)", "decode         center-size xywh against 4420 anchors",
            "postprocess    hard-per-class, 200 candidates per class, 1 classes, score threshold 0.7",
        ] {
            #expect(result.output.contains(line), "\(line) in \(result.output)")
        }
    }

    /// Once described as if it were fine; now refused before anything is printed.
    @Test(arguments: [
        ("max_detections", FlexValue.int(0x7fff_ffff), "max_detections = 2147483647 is outside 1...1917"),
        ("nms_iou_threshold", .float(1e30), "nms_iou_threshold = 1e+30 is outside (0, 1]"),
        ("num_classes", .int(0x7fff_ffff), "num_classes = 2147483647 is outside 90...91"),
    ])
    func aModelWithAHostileOptionIsRefusedByName(option: String, value: FlexValue, message: String) throws {
        let file = try PatchedModel.write(option: option, value: value)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try DetectCommandTests.run(["inspect", file.path])
        #expect(result.status == 1 && !result.crashed, "\(result)")
        #expect(result.errors.contains("TFLite_Detection_PostProcess option \(message)"), "\(result.errors)")
        #expect(result.output.isEmpty)
    }
}
