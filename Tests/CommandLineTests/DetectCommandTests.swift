import Foundation
import ImageIO
import Testing
import TestSupport

/// `ssd-detect` as a user runs it: the built executable, beside this test bundle.
struct DetectCommandTests {
    static var executable: URL {
        // The test runner lives in the build folder (.build/<triple>/<configuration>/), as does ssd-detect.
        let folder = (Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent()
        return folder.appendingPathComponent("ssd-detect")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static var model: String { Assets.root.appendingPathComponent("models/ssd_mobilenet_v1_coco_quant").path }

    @Test func aBadImageIsReportedAndTheOthersStillRun() throws {
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("truncated-\(UUID()).jpg")
        try Data(try Assets.photo("darknet_dog").prefix(3000)).write(to: truncated)
        defer { try? FileManager.default.removeItem(at: truncated) }
        let good = Assets.root.appendingPathComponent("images/darknet_person.jpg").path
        let result = try Self.run(["--model", Self.model, "--json", truncated.path, good])
        #expect(result.status == 1)
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let images = document?["images"] as? [[String: Any]] ?? []
        #expect(images.count == 2)
        #expect((images.first?["error"] as? [String: Any])?["code"] as? String == "truncated_image")
        let detections = images.last?["detections"] as? [[String: Any]] ?? []
        #expect(detections.map { $0["label"] as? String } == ["person", "sheep"])
        #expect(images.last?["width"] as? Int == 640)
    }

    @Test func drawWritesAnAnnotatedPicture() throws {
        let picture = FileManager.default.temporaryDirectory.appendingPathComponent("drawn-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: picture) }
        let photo = Assets.root.appendingPathComponent("images/voc_000456.jpg").path
        let result = try Self.run(["detect", "--model", Self.model, photo, "--draw", picture.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("bus"))
        let drawn = try ImageDecoder().decode([UInt8](try Data(contentsOf: picture)))
        #expect(drawn.format == .png)
        #expect(drawn.image.width == 500 && drawn.image.height == 375)
        let original = try ImageDecoder().decode(try Assets.photo("voc_000456")).image
        #expect(drawn.image != original)
    }

    @Test func badArgumentsAreRefused() throws {
        #expect(try Self.run(["--threshold", "2", "x.jpg"]).status != 0)
        #expect(try Self.run(["--model", "/nonexistent.tflite", "x.jpg"]).errors.contains("model not found"))
    }
}
