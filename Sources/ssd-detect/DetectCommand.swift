import ArgumentParser
import Engine
import Foundation
import ImageIO
import Inference
import SSD

/// `ssd-detect IMAGE...` (or `ssd-detect detect IMAGE...`): detections printed, as JSON, or drawn.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Detect objects in JPEG and PNG images (the default command).")

    @Argument(help: "JPEG or PNG files.")
    var images: [String]

    @Option(
        help: "A catalog name (models/), a model folder, a model.json or a .tflite file (default: the default model).")
    var model: String?

    @Option(help: "A label map (.txt, one per line, or .pbtxt); default: the one beside the model.")
    var labels: String?

    @Option(help: "Minimum score to report, 0...1.")
    var threshold: Float = 0.5

    @Option(help: "At most this many detections per image, 1 up to the model's anchors (default: the model's).")
    var maxDetections: Int?

    @Option(help: "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .cpu

    @OptionGroup(title: "Remote backend")
    var remote: RemoteOptions

    @Option(help: "Worker threads, 1...\(BackendOptions.maximumThreads) (default: all cores).")
    var threads: Int?

    @Flag(help: "Print one JSON document (schema: docs/JSON.md) instead of tables.")
    var json = false

    @Option(help: "Write the pictures with boxes and labels: a .png or .jpg file for one image, a folder for several.")
    var draw: String?

    func validate() throws {
        try remote.validate(for: backend)
        guard backend != .all else { throw ValidationError("--backend all is for bench") }
        guard (0...1).contains(threshold) else {  // NaN is in no range
            throw ValidationError("--threshold must be between 0 and 1, not \(threshold)")
        }
        if let maxDetections, maxDetections < 1 {
            throw ValidationError("--max-detections must be at least 1, not \(maxDetections)")
        }
        try validateThreads(threads)
        if let draw, images.count == 1, !Self.isPictureFile(draw) {
            throw ValidationError("--draw for one image needs a .png or .jpg file name")
        }
    }

    /// No thorough warm-up (200 ms): its point is a first inference at full speed right after load; here the
    /// first images running a little slower for a moment costs less than waiting for it.
    func run() throws {
        MallocTuning.apply()
        let clock = ContinuousClock()
        let manifest = try ModelLocation.resolve(model)
        let resolved = try backend.resolve(remote: remote, model: manifest)
        if let reason = resolved.reason { printError("backend auto: \(resolved.name) (\(reason))") }
        let detector = try Detector(
            model: SSDModel(manifest: manifest), labelsPath: labels,
            backend: resolved.makeBackend(), options: BackendOptions(threads: threads, thoroughWarmUp: false))
        // The bound comes with the model: checked once it is loaded, before any image.
        if let maxDetections, maxDetections > detector.maximumDetectionsLimit {
            throw ValidationError(
                "--max-detections must be at most \(detector.maximumDetectionsLimit) "
                    + "(the model's boxes), not \(maxDetections)")
        }
        if let draw, images.count > 1 {
            try FileManager.default.createDirectory(atPath: draw, withIntermediateDirectories: true)
        }

        var entries: [DetectionDocument.Entry] = []
        var failures = 0
        for image in images {
            let start = clock.now
            do {
                let bytes = try Self.read(image)
                let decoded = try ImageDecoder().decode(bytes)
                let decodedAt = clock.now
                let (detections, timing) = try detector.detect(
                    decoded.image, scoreThreshold: threshold,
                    maximumDetections: maxDetections)
                let result = ImageDetections(
                    path: image, width: decoded.image.width, height: decoded.image.height,
                    detections: detections,
                    timings: StageTimings(decode: (decodedAt - start).milliseconds, detection: timing))
                if let draw {
                    try Self.writePicture(
                        decoded.image.annotated(with: detections), for: image, to: draw,
                        single: images.count == 1)
                }
                if json {
                    // A value JSON cannot hold (a NaN box) fails this image, not the whole document.
                    _ = try JSONEncoder().encode(result)
                    entries.append(.detected(result))
                } else {
                    print(Self.table(result))
                }
            } catch {
                failures += 1
                let (code, message) = Self.describe(error)
                if json {
                    entries.append(.failed(path: image, ErrorBody(code: code, message: message)))
                } else {
                    printError("\(image): \(message)")
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let document = DetectionDocument(model: detector.modelName, backend: resolved.name, images: entries)
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        }
        if let statistics = resolved.remote?.statistics { printError(statistics.summary) }
        if failures > 0 { throw ExitCode(1) }
    }

    static func isPictureFile(_ path: String) -> Bool {
        ["png", "jpg", "jpeg"].contains((path as NSString).pathExtension.lowercased())
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return [UInt8](data)
    }

    /// A stable error code and a message for a failed image.
    static func describe(_ error: any Error) -> (code: String, message: String) {
        switch error {
        case let error as ImageDecodingError: (error.code, "\(error)")
        case let error as SSDError: ("inference_failed", "\(error)")
        case let error as CLIError: ("unreadable", error.description)
        default: ("error", "\(error)")
        }
    }

    static func writePicture(_ picture: RGBImage, for input: String, to destination: String, single: Bool) throws {
        let path =
            single
            ? destination
            : (destination as NSString).appendingPathComponent(
                ((input as NSString).lastPathComponent as NSString).deletingPathExtension + ".png")
        let ext = (path as NSString).pathExtension.lowercased()
        let bytes = ext == "png" ? try picture.pngData() : try picture.jpegData(quality: 90)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CLIError("cannot write \(path)")
        }
    }

    /// A readable table of one image's detections.
    static func table(_ result: ImageDetections) -> String {
        let timings = result.timings
        var lines = [
            "\(result.path ?? "image")  \(result.width)x\(result.height)  "
                + String(
                    format: "%.1f ms (decode %.1f, preprocess %.1f, network %.1f, postprocess %.2f)",
                    timings.total, timings.decode, timings.preprocess, timings.network, timings.postprocess)
        ]
        if result.detections.isEmpty { lines.append("  no detections") }
        for detection in result.detections {
            let box = detection.box.xyxy.map { String(format: "%6.0f", $0) }.joined(separator: " ")
            lines.append(
                "  " + detection.label.padding(toLength: 16, withPad: " ", startingAt: 0)
                    + String(format: "%5.3f", detection.score) + "   box " + box)
        }
        return lines.joined(separator: "\n")
    }
}
