import Foundation
import SSD
import Testing
import TestSupport

/// What `--model` and `--model-dir` accept: a catalog name, a folder with a model.json or one .tflite file, a
/// model.json, a .tflite file; and what is refused, naming where it looked.
struct ModelCatalogTests {
    static let catalog = ModelCatalog(roots: [Assets.models.path])

    static func manifest(_ name: String) throws -> ModelManifest {
        try ModelManifest(contentsOf: Assets.models.appendingPathComponent("\(name)/model.json").path)
    }

    /// A new empty folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aNameIsTheCatalogFolderOfThatName() throws {
        #expect(
            Self.catalog.modelNames == [
                "ssd_mobilenet_v1_coco_quant", "ultraface_rfb_320", "ultraface_rfb_320_decoded",
            ])
        for name in Self.catalog.modelNames {
            #expect(try Self.catalog.resolve(name) == Self.manifest(name))
        }
    }

    @Test func aFolderOrItsManifestIsThatManifest() throws {
        let folder = Assets.models.appendingPathComponent("ultraface_rfb_320")
        let expected = try Self.manifest("ultraface_rfb_320")
        #expect(try Self.catalog.resolve(folder.path) == expected)
        #expect(try Self.catalog.resolve(folder.appendingPathComponent("model.json").path) == expected)
        #expect(try ModelCatalog(roots: []).resolve(folder.path) == expected)
    }

    @Test func aBareTFLiteFileOrAFolderWithOneIsAnEmbeddedTFLiteModel() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("ssd.tflite")
        try FileManager.default.createSymbolicLink(
            at: model, withDestinationURL: URL(fileURLWithPath: GoldenTensors.modelPath))
        try Data("???\nperson\n".utf8).write(to: folder.appendingPathComponent("labelmap.txt"))
        let bare = try Self.catalog.resolve(model.path)
        #expect(bare == ModelManifest(tfliteModelAt: model.path))
        #expect(bare.format == .tflite && bare.input == nil && bare.postprocess == nil && bare.outputs == nil)
        #expect(bare.anchors == .embedded && bare.decode == .embedded)
        #expect(bare.folder == folder.path && bare.modelFile == model.path)
        #expect(bare.labelsFile == folder.appendingPathComponent("labelmap.txt").path)
        #expect(try Self.catalog.resolve(folder.path) == bare)
    }

    @Test func aFolderWithoutAManifestNeedsExactlyOneTFLiteFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            throws: SSDError.modelFile("expected a model.json or one .tflite file in \(folder.path), found none")
        ) { try Self.catalog.resolve(folder.path) }
        try Data().write(to: folder.appendingPathComponent("b.tflite"))
        try Data().write(to: folder.appendingPathComponent("a.tflite"))
        #expect(
            throws: SSDError.modelFile(
                "expected a model.json or one .tflite file in \(folder.path), found a.tflite, b.tflite")
        ) { try Self.catalog.resolve(folder.path) }
    }

    @Test func aBareONNXFileNeedsAManifest() throws {
        let onnx = Assets.models.appendingPathComponent("ultraface_rfb_320/version-RFB-320_without_postprocessing.onnx")
        #expect(throws: SSDError.self) { try Self.catalog.resolve(onnx.path) }
    }

    @Test func anUnknownNameSaysWhereItLooked() throws {
        #expect(
            throws: SSDError.modelNotFound(
                "no_such_model", tried: ["no_such_model", Assets.models.appendingPathComponent("no_such_model").path])
        ) { try Self.catalog.resolve("no_such_model") }
        // With a slash it is a path, never a name.
        #expect(throws: SSDError.modelNotFound("missing/ultraface_rfb_320", tried: ["missing/ultraface_rfb_320"])) {
            try Self.catalog.resolve("missing/ultraface_rfb_320")
        }
        #expect(throws: SSDError.modelNotFound("", tried: [""])) { try Self.catalog.resolve("") }
    }

    @Test func theFirstRootWithTheNameWins() throws {
        let first = try Self.temporaryFolder(), second = try Self.temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        for root in [first, second] {
            let folder = root.appendingPathComponent("face")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in ["model.json", "labels.txt"] {
                try FileManager.default.copyItem(
                    at: Assets.models.appendingPathComponent("ultraface_rfb_320_decoded/\(file)"),
                    to: folder.appendingPathComponent(file))
            }
            try Data().write(to: folder.appendingPathComponent("version-RFB-320.onnx"))
        }
        let catalog = ModelCatalog(roots: ["/nonexistent", first.path, second.path])
        #expect(try catalog.resolve("face").folder == first.appendingPathComponent("face").path)
        #expect(catalog.modelNames == ["face"])
    }

    @Test func aBrokenManifestIsReportedNotSkipped() throws {
        let root = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(
            #"{"format": "tflite", "file": "m.tflite", "anchors": {"kind": "embedded"}, "decode": "embeded"}"#.utf8
        )
        .write(to: folder.appendingPathComponent("model.json"))
        let error = #expect(throws: SSDError.self) { try ModelCatalog(roots: [root.path]).resolve("broken") }
        guard case .invalidManifest(_, let key, _) = error else {
            Issue.record("expected an invalid manifest, got \(String(describing: error))")
            return
        }
        #expect(key == "decode")
    }
}
