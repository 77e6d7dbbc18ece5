import Engine
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

    /// Runs ssd-detect to its end, or kills it after `timeout`, so that a hang fails its test instead of stalling
    /// the suite. `crashed`: ended by a signal (an abort, a trap, the kill), not an exit; `status` is then the signal.
    ///
    /// Its output goes to files, not pipes: FileHandle.readDataToEndOfFile traps when a read is interrupted by a
    /// signal, and the many processes these tests start in parallel make that happen. A `ChildProcess`, not a
    /// Foundation Process, whose wait once never returned (see there).
    static func run(
        _ arguments: [String], environment: [String: String]? = nil,
        timeout: DispatchTimeInterval = .seconds(300)
    ) throws
        -> (status: Int32, output: String, errors: String, crashed: Bool)
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ssd-detect-run-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputFile = folder.appendingPathComponent("stdout"), errorsFile = folder.appendingPathComponent("stderr")
        let process = try ChildProcess(
            executable.path, arguments, environment: environment, standardOutput: outputFile.path,
            standardError: errorsFile.path)
        let watchdog = DispatchWorkItem { process.send(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let exit = process.waitUntilExit()
        watchdog.cancel()
        return (
            exit.status, String(decoding: try Data(contentsOf: outputFile), as: UTF8.self),
            String(decoding: try Data(contentsOf: errorsFile), as: UTF8.self), exit.signaled
        )
    }

    static var model: String { Assets.defaultModelFolder.path }

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

    /// `--backend auto` is resolved once, said on stderr, and the JSON names what ran, never "auto".
    @Test func theJSONNamesTheBackendThatRanNotAuto() throws {
        let photo = Assets.root.appendingPathComponent("images/darknet_person.jpg").path
        let result = try Self.run(["--model", Self.model, "--backend", "auto", "--json", photo])
        #expect(result.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let backend = document?["backend"] as? String
        #expect(backend == "cpu" || backend == "accelerator", "\(backend ?? "none")")
        #expect(result.errors.contains("backend auto: \(backend ?? "?") ("))
    }

    /// The document's bytes (docs/JSON.md: keys sorted, pretty-printed, "/" escaped), pinned with an image that
    /// cannot be read: nothing in it is measured.
    @Test func theJSONDocumentIsPinned() throws {
        let missing = "/nonexistent/a \"photo\".jpg"
        let result = try Self.run(["--model", Self.model, "--json", missing])
        #expect(result.status == 1)
        let expected = #"""
            {
              "backend" : "cpu",
              "images" : [
                {
                  "error" : {
                    "code" : "unreadable",
                    "message" : "cannot read \/nonexistent\/a \"photo\".jpg"
                  },
                  "path" : "\/nonexistent\/a \"photo\".jpg"
                }
              ],
              "model" : "detect.tflite"
            }

            """#
        #expect(result.output == expected)
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

    static var photo: String { Assets.root.appendingPathComponent("images/darknet_dog.jpg").path }

    /// A catalog name picks the face model: its faces, with their labels, from the command line.
    @Test func aCatalogNamePicksTheFaceModel() throws {
        let photo = Assets.root.appendingPathComponent("images/faces_2.jpg").path
        let result = try Self.run(["--model", "ultraface_rfb_320", "--json", photo])
        #expect(result.status == 0, "\(result.errors)")
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let images = try #require(document?["images"] as? [[String: Any]])
        let detections = try #require(images.first?["detections"] as? [[String: Any]])
        #expect(detections.count == 4 && detections.allSatisfy { $0["label"] as? String == "face" })
        let unknown = try Self.run(["--model", "no_such_model", photo])
        #expect(unknown.status != 0 && unknown.errors.contains("ultraface_rfb_320"), "\(unknown.errors)")
    }

    /// Once an abort (exit 134) reserving 26 TB: the bound comes with the model, so it is checked once that is loaded,
    /// before any image.
    @Test func aMaximumDetectionsBeyondTheModelsAnchorsIsAUsageError() throws {
        let result = try Self.run(["--model", Self.model, "--max-detections", "1099511627776", Self.photo])
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(
            result.errors.contains("--max-detections must be at most 1917 (the model's boxes), not 1099511627776"),
            "\(result.errors)")
        #expect(result.output.isEmpty)
        #expect(try Self.run(["--model", Self.model, "--max-detections", "1917", Self.photo]).status == 0)
    }

    @Test(arguments: ["0", "-1"])
    func aMaximumDetectionsBelowOneIsAUsageError(maximum: String) throws {
        let result = try Self.run(["--max-detections=\(maximum)", "x.jpg"])
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains("--max-detections must be at least 1, not \(maximum)"), "\(result.errors)")
    }

    /// `--threads 100000` once hung at start-up; refused before the model loads.
    @Test(arguments: ["100000", "257", "0", "-3"])
    func aThreadCountOutsideTheBoundIsAUsageError(threads: String) throws {
        let result = try Self.run(["--threads=\(threads)", "x.jpg"], timeout: .seconds(60))
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains("--threads must be between 1 and 256, not \(threads)"), "\(result.errors)")
    }

    @Test(arguments: ["nan", "inf", "-inf", "1.5"])
    func aThresholdOutsideZeroToOneIsAUsageError(threshold: String) throws {
        let result = try Self.run(["--threshold=\(threshold)", "x.jpg"])
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains("--threshold must be between 0 and 1, not \(threshold)"), "\(result.errors)")
    }

    /// A hostile model once loaded and then aborted on its first image.
    @Test(arguments: [
        ("max_detections", FlexValue.int(0x7fff_ffff), "max_detections = 2147483647 is outside 1...1917"),
        ("y_scale", .float(.infinity), "y_scale = inf is outside 0.001...1000.0"),
        ("num_classes", .int(0x7fff_ffff), "num_classes = 2147483647 is outside 90...91"),
    ])
    func aModelWithAHostileOptionIsRefusedByName(option: String, value: FlexValue, message: String) throws {
        let file = try PatchedModel.write(option: option, value: value)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try Self.run(["--model", file.path, Self.photo])
        #expect(result.status == 1 && !result.crashed, "\(result)")
        #expect(result.errors.contains("TFLite_Detection_PostProcess option \(message)"), "\(result.errors)")
        #expect(result.output.isEmpty)
    }
}
