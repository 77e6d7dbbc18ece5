import Foundation
import SSD
import Testing
import TestSupport

struct SSDModelTests {
    static var modelFile: String { GoldenTensors.modelPath }

    @Test func aFolderStandsForItsOneModelFile() throws {
        let folder = (Self.modelFile as NSString).deletingLastPathComponent
        #expect(try SSDModel.file(in: folder) == Self.modelFile)
        #expect(try SSDModel.file(in: Self.modelFile) == Self.modelFile)
    }

    @Test func aFolderWithoutExactlyOneModelIsATypedError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ssd-model-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: SSDError.modelFile("expected one .tflite file in \(folder.path), found none")) {
            try SSDModel.file(in: folder.path)
        }
        for name in ["a.tflite", "b.tflite"] { try Data().write(to: folder.appendingPathComponent(name)) }
        #expect(throws: SSDError.modelFile("expected one .tflite file in \(folder.path), found a.tflite, b.tflite")) {
            try SSDModel.file(in: folder.path)
        }
        #expect(throws: SSDError.modelFile("model not found: /nonexistent")) { try SSDModel.file(in: "/nonexistent") }
    }

    /// The network ends at the two heads; the TFLite_Detection_PostProcess is split off, its anchors read.
    @Test func theNetworkAndItsPostprocessAreSplit() throws {
        let model = try SSDModel(contentsOf: Self.modelFile)
        #expect(model.network.outputs.count == 2)
        #expect(model.tail.count == 1)
        #expect(model.embeddedPostprocessor?.anchors.count == 1917)
        #expect(model.name == "detect.tflite")
    }
}
