import Foundation
import SSD
import Testing
import TestSupport

/// model.json: the committed catalog decodes to what its MODEL.md says, the anchors it describes are the ones the
/// model's own code generates, and every wrong value is refused with its key path.
struct ModelManifestTests {
    /// The committed catalog's entries: the folders of models/.
    static let committedNames = ["ssd_mobilenet_v1_coco_quant", "ultraface_rfb_320", "ultraface_rfb_320_decoded"]

    static func committed(_ name: String) throws -> ModelManifest {
        try ModelManifest(contentsOf: Assets.models.appendingPathComponent("\(name)/model.json").path)
    }

    /// A committed manifest's JSON object, to edit.
    static func document(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Assets.models.appendingPathComponent("\(name)/model.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func bytes(_ document: [String: Any]) throws -> [UInt8] {
        [UInt8](try JSONSerialization.data(withJSONObject: document))
    }

    /// The key path an invalid manifest is refused at, or nil when it is accepted.
    static func refusedKey(_ json: [UInt8]) -> String? {
        do {
            _ = try ModelManifest(json: json, path: "/models/test/model.json")
            return nil
        } catch {
            guard case .invalidManifest(let path, let key, _) = error, path == "/models/test/model.json" else {
                return "unexpected \(error)"
            }
            return key
        }
    }

    @Test func everyCommittedManifestDecodesAndItsFilesAreThere() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Assets.models.path).sorted()
        #expect(folders == Self.committedNames)
        for name in folders {
            let manifest = try Self.committed(name)
            #expect(FileManager.default.fileExists(atPath: manifest.modelFile), "\(name)")
            #expect(FileManager.default.fileExists(atPath: try #require(manifest.labelsFile)), "\(name)")
        }
    }

    @Test func theDefaultModelCarriesItsOwnAnchorsAndPostprocess() throws {
        let manifest = try Self.committed("ssd_mobilenet_v1_coco_quant")
        #expect(manifest.format == .tflite)
        #expect(manifest.modelFile == Assets.defaultModelFolder.appendingPathComponent("detect.tflite").path)
        #expect(manifest.labelsFile == Assets.defaultModelFolder.appendingPathComponent("labelmap.txt").path)
        #expect(manifest.folder == Assets.defaultModelFolder.path)
        #expect(manifest.input == nil)
        #expect(manifest.anchors == .embedded && manifest.anchors.anchors() == nil)
        #expect(manifest.decode == .embedded)
        #expect(manifest.postprocess == nil)
        #expect(manifest.outputs == nil)
    }

    @Test func ultraFaceIsDescribedAsItsAuthorsRunIt() throws {
        let manifest = try Self.committed("ultraface_rfb_320")
        #expect(manifest.format == .onnx)
        #expect(manifest.modelFile.hasSuffix("ultraface_rfb_320/version-RFB-320_without_postprocessing.onnx"))
        let input = try #require(manifest.input)
        #expect(input.width == 320 && input.height == 240)
        #expect(input.layout == .nchw && input.resize == .opencvBilinear)
        #expect(input.mean == SIMD3(repeating: 127) && input.std == SIMD3(repeating: 128))
        #expect(manifest.outputs?.boxes == "boxes" && manifest.outputs?.scores == "scores")
        #expect(
            manifest.decode
                == .centerSize(BoxCoder(yScale: 10, xScale: 10, heightScale: 5, widthScale: 5), .centerSizeXYWH))
        let postprocess = try #require(manifest.postprocess)
        #expect(postprocess.nms == .hardPerClass(candidates: 200))
        #expect(postprocess.scoreThreshold == 0.7 && postprocess.iouThreshold == 0.3)
        #expect(postprocess.maximumDetections == 200 && postprocess.classCount == 1)
    }

    @Test func ultraFacesMinSizesGiveItsPriors() throws {
        let manifest = try Self.committed("ultraface_rfb_320")
        #expect(manifest.anchors == .minimumSizes(.ultraFace320))
        let priors = try #require(manifest.anchors.anchors())
        #expect(priors.count == 4420)
        #expect(priors == MinimumSizePriorConfiguration.ultraFace320.priors())
    }

    @Test func theSameMinSizesAt640x480GiveTheLargerVariantsPriors() throws {
        var document = try Self.document("ultraface_rfb_320")
        var input = try #require(document["input"] as? [String: Any])
        input["width"] = 640
        input["height"] = 480
        document["input"] = input
        let manifest = try ModelManifest(json: try Self.bytes(document), path: "/models/test/model.json")
        #expect(manifest.anchors.anchors()?.count == 17_640)
    }

    @Test func theDecodedVariantLeavesOnlyTheNMS() throws {
        let raw = try Self.committed("ultraface_rfb_320")
        let decoded = try Self.committed("ultraface_rfb_320_decoded")
        #expect(decoded.modelFile.hasSuffix("ultraface_rfb_320_decoded/version-RFB-320.onnx"))
        #expect(decoded.anchors == .embedded && decoded.decode == .inGraph)
        #expect(decoded.input == raw.input && decoded.postprocess == raw.postprocess)
    }

    /// SSD MobileNet's anchors from a tf-grid description, the feature maps derived from strides: the generator's.
    @Test func tfGridAnchorsFromStrides() throws {
        let json = """
            {"format": "tflite", "file": "m.tflite",
             "input": {"width": 300, "height": 300, "layout": "NHWC", "resize": "pillow-bilinear",
                       "mean": [127.5, 127.5, 127.5], "std": [127.5, 127.5, 127.5]},
             "anchors": {"kind": "tf-grid", "strides": [16, 32, 64, 100, 150, 300], "min_scale": 0.2,
                         "max_scale": 0.95, "aspect_ratios": [1, 2, 0.5, 3, 0.3333333333],
                         "interpolated_scale_aspect_ratio": 1, "reduce_boxes_in_lowest_layer": true},
             "decode": {"center_variance": 0.1, "size_variance": 0.2, "order": "yxhw"},
             "postprocess": {"nms": "tflite-fast", "score_threshold": 0.5, "iou_threshold": 0.6,
                             "max_detections": 10}}
            """
        let manifest = try ModelManifest(json: Array(json.utf8), path: "/models/grid/model.json")
        #expect(manifest.anchors == .tfGrid(.ssdMobileNet300))
        #expect(manifest.anchors.anchors()?.count == 1917)
        #expect(manifest.modelFile == "/models/grid/m.tflite" && manifest.labelsFile == nil)
        #expect(manifest.postprocess?.nms == .tfliteFast && manifest.postprocess?.classCount == nil)
    }

    /// Caffe's SSD300 (VGG) priors: 8,732 of them.
    @Test func caffePriorBoxesFromFeatureMaps() throws {
        let json = """
            {"format": "onnx", "file": "ssd300.onnx", "labels": "voc.txt",
             "input": {"width": 300, "height": 300, "layout": "NCHW", "resize": "opencv-bilinear",
                       "mean": [123, 117, 104], "std": [1, 1, 1]},
             "anchors": {"kind": "caffe-priorbox", "feature_maps": [[38, 38], [19, 19], [10, 10], [5, 5], [3, 3], [1, 1]],
                         "min_sizes": [[30], [60], [111], [162], [213], [264]],
                         "max_sizes": [[60], [111], [162], [213], [264], [315]],
                         "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]], "flip": true,
                         "steps": [8, 16, 32, 64, 100, 300], "offset": 0.5, "clip": false},
             "decode": {"center_variance": 0.1, "size_variance": 0.2, "order": "xywh"},
             "postprocess": {"nms": "tflite-regular", "score_threshold": 0.01, "iou_threshold": 0.45,
                             "max_detections": 200, "classes": 20}}
            """
        let manifest = try ModelManifest(json: Array(json.utf8), path: "/models/ssd300/model.json")
        let sizes: [(Int, Float, Float, [Float], Float)] = [
            (38, 30, 60, [2], 8), (19, 60, 111, [2, 3], 16), (10, 111, 162, [2, 3], 32), (5, 162, 213, [2, 3], 64),
            (3, 213, 264, [2], 100), (1, 264, 315, [2], 300),
        ]
        let expected = PriorBoxConfiguration(
            layers: sizes.map {
                .init(
                    featureMapHeight: $0.0, featureMapWidth: $0.0, minimumSizes: [$0.1], maximumSizes: [$0.2],
                    aspectRatios: $0.3, step: $0.4)
            }, imageHeight: 300, imageWidth: 300)
        #expect(manifest.anchors == .caffePriorBox(expected))
        #expect(manifest.anchors.anchors()?.count == 8732)
        #expect(manifest.postprocess?.nms == .tfliteRegular && manifest.postprocess?.classCount == 20)
    }

    /// Anyone may decode a manifest with Foundation's decoder too, given the folder.
    @Test func decodesWithJSONDecoderGivenTheFolder() throws {
        let data = try Data(contentsOf: Assets.models.appendingPathComponent("ultraface_rfb_320/model.json"))
        let decoder = JSONDecoder()
        decoder.userInfo[ModelManifest.folderUserInfoKey] = "/somewhere"
        let manifest = try decoder.decode(ModelManifest.self, from: data)
        #expect(manifest.modelFile == "/somewhere/version-RFB-320_without_postprocessing.onnx")
        #expect(manifest.anchors == .minimumSizes(.ultraFace320))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ModelManifest.self, from: data) }
    }

    /// One wrong value of the UltraFace manifest: its key path (names and [indices]) and the JSON put there (nil:
    /// the key removed).
    struct Edit: Sendable, CustomTestStringConvertible {
        let path: String
        let json: String?
        let refusedAt: String

        init(_ path: String, _ json: String?, refusedAt: String? = nil) {
            self.path = path
            self.json = json
            self.refusedAt = refusedAt ?? path
        }

        var testDescription: String { "\(path) = \(json ?? "(removed)")" }

        /// `document` with this edit.
        func applied(to document: [String: Any]) throws -> [String: Any] {
            var components: [Any] = []
            for part in path.split(separator: ".") {
                let pieces = part.split(separator: "[")
                components.append(String(pieces[0]))
                components += pieces.dropFirst().map { Int($0.dropLast())! }
            }
            let value = try json.map {
                try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed)
            }
            return try #require(Self.replacing(in: document, at: components[...], with: value) as? [String: Any])
        }

        static func replacing(in node: Any?, at path: ArraySlice<Any>, with value: Any?) -> Any? {
            guard let first = path.first else { return value }
            if let key = first as? String {
                var object = node as? [String: Any] ?? [:]
                object[key] = replacing(in: object[key], at: path.dropFirst(), with: value)
                return object
            }
            var array = node as? [Any] ?? []
            let index = first as! Int
            array[index] = replacing(in: array[index], at: path.dropFirst(), with: value) ?? NSNull()
            return array
        }
    }

    @Test(arguments: [
        // The document: unknown keys, types, enumerations, paths.
        Edit("labelz", #""labels.txt""#), Edit("format", #""pytorch""#), Edit("format", "1"),
        Edit("file", #""../ultraface_rfb_320_decoded/version-RFB-320.onnx""#), Edit("file", #""/etc/passwd""#),
        Edit("labels", #""a/../../labels.txt""#), Edit("file", #""""#), Edit("file", #""a\u0000b""#),
        Edit("file", nil), Edit("labels", "null"), Edit("outputs.boxes", #""""#), Edit("outputs.logits", #""x""#),
        // The input: sizes, layout, resize, mean and std.
        Edit("input.widht", "320"), Edit("input.width", "0"), Edit("input.width", "4097"), Edit("input.width", "1.5"),
        Edit("input.width", #""320""#), Edit("input.height", nil),
        Edit("input.height", "-240"), Edit("input.width", "1e300"), Edit("input.layout", #""nchw""#),
        Edit("input.resize", #""bilinear""#), Edit("input.channels", #""GBR""#), Edit("input.channels", "3"),
        Edit("input.mean", "[127, 127]"),
        Edit("input.mean", "[127, 127, 127, 127]"), Edit("input.mean[1]", "1e6"), Edit("input.mean[2]", #""127""#),
        Edit("input.mean[0]", "null"), Edit("input.mean[0]", "1e39"), Edit("input.std[2]", "0"),
        Edit("input.std[0]", "-128"), Edit("input.std[1]", "1e-45"), Edit("input", nil), Edit("input", "[]"),
        // Anchors: kind, strides, sizes, and the count.
        Edit("anchors.kind", #""grid""#), Edit("anchors.kind", nil), Edit("anchors.step", "8"),
        Edit("anchors.strides[1]", "0"), Edit("anchors.strides[3]", "321"), Edit("anchors.strides", "[]"),
        Edit("anchors.min_sizes", "[[10], [32], [64]]"), Edit("anchors.min_sizes[0][1]", "-5"),
        Edit("anchors.min_sizes[0]", "[]"), Edit("anchors.min_sizes[2][0]", "1e10"), Edit("anchors.clamp", #""yes""#),
        Edit("anchors.feature_maps", "[[30, 40]]"),
        Edit("anchors", #"{"kind": "embedded"}"#, refusedAt: "anchors.kind"),
        // Decoding.
        Edit("decode.center_variance", "0"), Edit("decode.size_variance", "11"), Edit("decode.order", #""xyxy""#),
        Edit("decode", #""magic""#), Edit("decode", "5"), Edit("decode", nil), Edit("decode.scale", "10"),
        Edit("decode", #""embedded""#), Edit("decode", #""in-graph""#, refusedAt: "anchors.kind"),
        // The postprocess.
        Edit("postprocess.nms", #""soft""#), Edit("postprocess.score_threshold", "1.5"),
        Edit("postprocess.score_threshold", "-0.1"), Edit("postprocess.iou_threshold", "0"),
        Edit("postprocess.iou_threshold", "1.01"), Edit("postprocess.candidates", "0"),
        Edit("postprocess.candidates", nil), Edit("postprocess.max_detections", "100001"),
        Edit("postprocess.max_detections", "0"), Edit("postprocess.classes", "0"), Edit("postprocess", nil),
        Edit("postprocess.nms", #""tflite-fast""#, refusedAt: "postprocess.candidates"),
        Edit("postprocess.clip_boxes", "0"), Edit("postprocess.clip_boxes", #""no""#),
    ])
    func refusesAWrongValueAtItsKey(edit: Edit) throws {
        let json = try Self.bytes(try edit.applied(to: try Self.document("ultraface_rfb_320")))
        #expect(Self.refusedKey(json) == edit.refusedAt)
    }

    @Test func anchorsAreCountedBeforeTheyAreGenerated() throws {
        var document = try Self.document("ultraface_rfb_320")
        document = try Edit("input.width", "4096").applied(to: document)
        document = try Edit("input.height", "4096").applied(to: document)
        document = try Edit("anchors.strides", "[1]").applied(to: document)
        document = try Edit("anchors.min_sizes", "[[1]]").applied(to: document)
        #expect(Self.refusedKey(try Self.bytes(document)) == "anchors")
    }

    @Test func tfGridAndCaffeParametersAreBounded() throws {
        let grid = """
            {"format": "tflite", "file": "m.tflite", "anchors": {"kind": "tf-grid", "feature_maps": [[2, 2]],
             "min_scale": 0.2, "max_scale": 0.9, "aspect_ratios": [1], "interpolated_scale_aspect_ratio": 0,
             "reduce_boxes_in_lowest_layer": false}, "decode": {"center_variance": 0.1, "size_variance": 0.2,
             "order": "yxhw"}, "postprocess": {"nms": "tflite-fast", "score_threshold": 0, "iou_threshold": 0.5,
             "max_detections": 1}}
            """
        #expect(Self.refusedKey(Array(grid.utf8)) == nil)
        let scales = grid.replacingOccurrences(of: #""max_scale": 0.9"#, with: #""max_scale": 0.1"#)
        #expect(Self.refusedKey(Array(scales.utf8)) == "anchors.max_scale")
        let both = grid.replacingOccurrences(
            of: #""feature_maps": [[2, 2]]"#, with: #""feature_maps": [[2, 2]], "strides": [1]"#)
        #expect(Self.refusedKey(Array(both.utf8)) == "anchors.feature_maps")
        let noInput = grid.replacingOccurrences(of: #""feature_maps": [[2, 2]]"#, with: #""strides": [8]"#)
        #expect(Self.refusedKey(Array(noInput.utf8)) == "anchors")
        let ratio = grid.replacingOccurrences(
            of: #""interpolated_scale_aspect_ratio": 0"#, with: #""interpolated_scale_aspect_ratio": 1e-9"#)
        #expect(Self.refusedKey(Array(ratio.utf8)) == "anchors.interpolated_scale_aspect_ratio")

        let caffe = """
            {"format": "onnx", "file": "m.onnx", "input": {"width": 300, "height": 300, "layout": "NCHW",
             "resize": "opencv-bilinear", "mean": [0, 0, 0], "std": [1, 1, 1]}, "anchors": {"kind": "caffe-priorbox",
             "strides": [8, 16], "min_sizes": [[30], [60]], "max_sizes": [[30], []], "aspect_ratios": [[2], []],
             "flip": true, "offset": 0.5, "clip": false}, "decode": {"center_variance": 0.1, "size_variance": 0.2,
             "order": "xywh"}, "postprocess": {"nms": "tflite-regular", "score_threshold": 0, "iou_threshold": 0.5,
             "max_detections": 1}}
            """
        #expect(Self.refusedKey(Array(caffe.utf8)) == "anchors.max_sizes[0][0]")
        let fine = caffe.replacingOccurrences(of: #""max_sizes": [[30], []]"#, with: #""max_sizes": [[60], []]"#)
        #expect(Self.refusedKey(Array(fine.utf8)) == nil)
        let steps = fine.replacingOccurrences(of: #""offset": 0.5"#, with: #""offset": 0.5, "steps": [8]"#)
        #expect(Self.refusedKey(Array(steps.utf8)) == "anchors.steps")
        let offset = fine.replacingOccurrences(of: #""offset": 0.5"#, with: #""offset": 1.5"#)
        #expect(Self.refusedKey(Array(offset.utf8)) == "anchors.offset")
    }

    @Test func theDefaultModelsDecodingBelongsToTFLiteOnly() throws {
        var document = try Self.document("ssd_mobilenet_v1_coco_quant")
        document["format"] = "onnx"
        #expect(Self.refusedKey(try Self.bytes(document)) == "input")
        document = try Self.document("ultraface_rfb_320_decoded")
        document["decode"] = "embedded"
        #expect(Self.refusedKey(try Self.bytes(document)) == "decode")
    }

    @Test(arguments: [
        (#"{"format": "tflite", "format": "tflite"}"#, "format"),
        (#"{"input": {"mean": [1, 2, 3,]}}"#, "input.mean[3]"),
        (#"{"file": "a.tflite"} trailing"#, ""),
        ("[1]", ""),
    ])
    func refusesDocumentsThatAreNotStrictJSONOrNotObjects(text: String, key: String) {
        #expect(Self.refusedKey(Array(text.utf8)) == key)
    }

    /// Numbers as written, which a round trip through JSONSerialization would change.
    @Test(arguments: [
        (#""width": 320"#, #""width": 12345678901234567890123"#, "input.width"),
        (#""width": 320"#, #""width": 320.0"#, "input.width"),
        (#""width": 320"#, #""width": 3.2e2"#, "input.width"),
        (#""mean": [127, 127, 127]"#, #""mean": [1e999, 127, 127]"#, "input.mean[0]"),
        (#""mean": [127, 127, 127]"#, #""mean": [127, -1e39, 127]"#, "input.mean[1]"),
    ])
    func aNumberBeyondItsTypeIsNamedByItsKey(original: String, replacement: String, key: String) throws {
        let text = String(
            decoding: try Data(contentsOf: Assets.models.appendingPathComponent("ultraface_rfb_320/model.json")),
            as: UTF8.self)
        #expect(text.contains(original))
        #expect(Self.refusedKey(Array(text.replacingOccurrences(of: original, with: replacement).utf8)) == key)
    }

    @Test func theModelAndLabelFilesMustBeThere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("model.json")
        try Data(try Self.bytes(try Self.document("ultraface_rfb_320"))).write(to: manifest)
        #expect(
            throws: SSDError.invalidManifest(
                path: manifest.path, key: "file",
                reason:
                    "no such file: \(folder.appendingPathComponent("version-RFB-320_without_postprocessing.onnx").path)"
            )
        ) {
            try ModelManifest(contentsOf: manifest.path)
        }
        try Data().write(to: folder.appendingPathComponent("version-RFB-320_without_postprocessing.onnx"))
        #expect(
            throws: SSDError.invalidManifest(
                path: manifest.path, key: "labels",
                reason: "no such file: \(folder.appendingPathComponent("labels.txt").path)")
        ) {
            try ModelManifest(contentsOf: manifest.path)
        }
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("labels.txt"), withIntermediateDirectories: true)
        #expect(throws: SSDError.self) { try ModelManifest(contentsOf: manifest.path) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("labels.txt"))
        try Data("BACKGROUND\nface\n".utf8).write(to: folder.appendingPathComponent("labels.txt"))
        #expect(
            try ModelManifest(contentsOf: manifest.path).labelsFile == folder.appendingPathComponent("labels.txt").path)
    }

    @Test func aHugeOrMissingManifestIsRefusedUnread() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(repeating: 0x20, count: ModelManifest.maximumBytes + 1).write(to: file)
        #expect(throws: SSDError.invalidManifest(path: file.path, key: "", reason: "larger than 1048576 bytes")) {
            try ModelManifest(contentsOf: file.path)
        }
        #expect(throws: SSDError.invalidManifest(path: "/nonexistent/model.json", key: "", reason: "cannot be read")) {
            try ModelManifest(contentsOf: "/nonexistent/model.json")
        }
    }

    @Test func theErrorSaysFileKeyAndReason() {
        let error = SSDError.invalidManifest(
            path: "models/x/model.json", key: "input.mean[1]", reason: "1e6 is outside [-1000.0, 1000.0]")
        #expect(error.description == "models/x/model.json: input.mean[1]: 1e6 is outside [-1000.0, 1000.0]")
        #expect(
            SSDError.invalidManifest(path: "m.json", key: "", reason: "cannot be read").description
                == "m.json: cannot be read")
    }
}
