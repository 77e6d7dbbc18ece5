import ArgumentParser
import Foundation
import ImageIO
import Preprocess

/// `ssd-detect preprocess`: the front of the pipeline on its own, decode and resize into a model input.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Decode images and resize them into a model's fixed input, reporting what was done.")

    @Argument(help: "JPEG or PNG files (or base64 text files with --base64).") var images: [String]
    @Option(help: "Model input size, WIDTHxHEIGHT.") var size = "300x300"
    @Option(help: "The resize: pillow-bilinear (Pillow's, antialiased) or opencv-bilinear (cv2.resize INTER_LINEAR).")
    var resize: ResizeMethod = .pillowBilinear
    @Flag(help: "Decode large JPEGs at a reduced DCT scale (faster, no longer Pillow-exact).") var dctScaling = false
    @Flag(help: "The files hold base64 text (optionally a data: URL), not image bytes.") var base64 = false
    @Option(help: "Write each resized input as a PNG into this folder.") var out: String?

    func run() throws {
        var spec = try InputSpec(size: size)
        spec.resize = resize
        let decoder = ImageDecoder()
        let preprocessor = Preprocessor(spec: spec)
        var tensor = [UInt8](repeating: 0, count: spec.byteCount)
        if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
        var failures = 0
        for path in images {
            do {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CLIError("cannot read \(path)")
                }
                var bytes = [UInt8](data)
                let clock = ContinuousClock()
                let start = clock.now
                if base64 { bytes = try Base64.decode(bytes) }
                let decoded = try decoder.decode(bytes, reduceTo: dctScaling ? spec.size : nil)
                let decodedAt = clock.now
                tensor.withUnsafeMutableBytes { preprocessor.write(decoded.image, into: $0) }
                let end = clock.now
                var line = "\(path): \(decoded.format.rawValue) \(decoded.originalSize)"
                if decoded.orientation != .up { line += ", EXIF orientation \(decoded.orientation.rawValue)" }
                if decoded.scale != (1, 1) {
                    line +=
                        ", DCT-scaled \(decoded.scale.numerator)/\(decoded.scale.denominator) to "
                        + "\(decoded.image.width)x\(decoded.image.height)"
                }
                line +=
                    " -> \(spec.size) input in \(milliseconds(decodedAt - start)) ms decode + "
                    + "\(milliseconds(end - decodedAt)) ms resize"
                if let out {
                    let file = URL(fileURLWithPath: out).appendingPathComponent(
                        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".input.png")
                    let png = try RGBImage(width: spec.width, height: spec.height, pixels: tensor).pngData()
                    try Data(png).write(to: file)
                    line += ", wrote \(file.path)"
                }
                print(line)
            } catch {
                failures += 1
                printError("\(path): \(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

extension ResizeMethod: ExpressibleByArgument {}

extension InputSpec {
    /// A raw-uint8 NHWC spec from "WIDTHxHEIGHT".
    init(size: String) throws {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ (1...4096).contains($0) }) else {
            throw ValidationError("--size must be WIDTHxHEIGHT, each 1...4096, not '\(size)'")
        }
        self.init(width: parts[0], height: parts[1])
    }
}
