import ArgumentParser
import Foundation
import ImageIO
import Preprocess
import TestSupport

/// Benchmarks the front of the pipeline: base64 decoding, and JPEG decode + resize to the model input, with and
/// without DCT-domain scaling (and what that costs in agreement with Pillow), and with OpenCV's resize instead of
/// Pillow's. Prints a table, or JSON.
@main
struct IOBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssd-io-bench", abstract: "Benchmark base64, image decoding and preprocessing.")

    @Option(help: "Timed runs per case (the median is reported).") var runs = 50
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        let base64 = try base64Rows()
        let images = try imageRows()
        if json {
            let report: [String: Any] = [
                "runs": runs, "base64": base64.map(\.json), "decode_resize": images.map(\.json),
            ]
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("base64 decode (\(runs) runs, median)")
        print(pad("payload", 28) + pad("MB", 8) + pad("ours GB/s", 11) + pad("Foundation GB/s", 17) + "ratio")
        for row in base64 {
            print(
                pad(row.name, 28) + pad(fmt(row.megabytes, 1), 8) + pad(fmt(row.gbPerSecond, 2), 11)
                    + pad(fmt(row.foundationGBPerSecond, 2), 17) + fmt(row.gbPerSecond / row.foundationGBPerSecond, 1)
                    + "x")
        }
        print(
            "\ndecode + resize to 300x300 (\(runs) runs, median ms); agreement with Pillow's decode + resize "
                + "(opencv: with cv2.resize of Pillow's decode)")
        print(
            pad("image", 20) + pad("size", 11) + pad("mode", 10) + pad("decoded", 10) + pad("decode", 8)
                + pad("resize", 8)
                + pad("total", 8) + pad("speedup", 9) + pad("MAD", 7) + "p99")
        for row in images {
            print(
                pad(row.image, 20) + pad(row.size, 11) + pad(row.mode, 10) + pad(row.decodedSize, 10)
                    + pad(fmt(row.decodeMs, 2), 8) + pad(fmt(row.resizeMs, 2), 8) + pad(fmt(row.totalMs, 2), 8)
                    + pad(fmt(row.speedup, 2) + "x", 9) + pad(row.mad.map { fmt($0, 3) } ?? "-", 7)
                    + (row.p99.map { "\($0)" } ?? "-"))
        }
    }

    struct Base64Row {
        var name: String
        var megabytes: Double
        var gbPerSecond: Double
        var foundationGBPerSecond: Double
        var json: [String: Any] {
            ["payload": name, "mb": megabytes, "gb_per_s": gbPerSecond, "foundation_gb_per_s": foundationGBPerSecond]
        }
    }

    func base64Rows() throws -> [Base64Row] {
        var rng = SystemRandomNumberGenerator()
        let payload = Data((0..<(6 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let cases: [(String, String, Data.Base64EncodingOptions)] = [
            ("6 MiB, one line", payload.base64EncodedString(), []),
            (
                "6 MiB, MIME 76-column lines",
                payload.base64EncodedString(options: [
                    .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
                ]), [.lineLength76Characters]
            ),
        ]
        return try cases.map { name, text, _ in
            let bytes = Array(text.utf8)
            let ours = try median(runs) { _ = try Base64.decode(bytes) }
            let foundation = try median(runs) { _ = Data(base64Encoded: text, options: .ignoreUnknownCharacters) }
            let gb = Double(bytes.count) / 1e9
            return Base64Row(
                name: name, megabytes: Double(bytes.count) / 1e6, gbPerSecond: gb / ours,
                foundationGBPerSecond: gb / foundation)
        }
    }

    struct ImageRow {
        var image: String
        var size: String
        var mode: String
        var decodedSize: String
        var decodeMs: Double
        var resizeMs: Double
        var totalMs: Double
        var speedup: Double
        /// Agreement with the reference, where there is one.
        var mad: Double?
        var p99: Int?
        var json: [String: Any] {
            [
                "image": image, "size": size, "mode": mode, "decoded_size": decodedSize, "decode_ms": decodeMs,
                "resize_ms": resizeMs, "total_ms": totalMs, "speedup": speedup,
                "mad_vs_reference": mad ?? NSNull(), "p99_vs_reference": p99 ?? NSNull(),
            ]
        }
    }

    func imageRows() throws -> [ImageRow] {
        let spec = InputSpec(width: 300, height: 300)
        let decoder = ImageDecoder()
        let pillowPreprocessor = Preprocessor(spec: spec)
        var opencvSpec = spec
        opencvSpec.resize = .opencvBilinear
        let opencvPreprocessor = Preprocessor(spec: opencvSpec)
        var tensor = [UInt8](repeating: 0, count: spec.byteCount)
        var rows: [ImageRow] = []
        // The photos, plus a 12-megapixel camera-sized JPEG made from one (where DCT scaling pays off most).
        var cases: [(name: String, bytes: [UInt8], pillow: [UInt8]?, opencv: [UInt8]?)] = try Assets.photos.map {
            (
                $0.name, try Assets.photo($0.name), try Assets.pillow($0.name, size: "300x300"),
                try Assets.opencv($0.name, size: "300x300")
            )
        }
        let kite = try decoder.decode(try Assets.photo("darknet_kite")).image
        var large = [UInt8](repeating: 0, count: 4056 * 3000 * 3)
        large.withUnsafeMutableBufferPointer {
            BilinearResizer(outputSize: ImageSize(width: 4056, height: 3000)).resize(kite, into: $0)
        }
        cases.append(
            ("kite_4056x3000 q90", try RGBImage(width: 4056, height: 3000, pixels: large).jpegData(), nil, nil))

        for (name, bytes, pillow, opencv) in cases {
            var fullTotal = 0.0
            var fullTensor: [UInt8] = []
            let modes: [(String, ImageSize?, Preprocessor)] = [
                ("full", nil, pillowPreprocessor), ("dct", spec.size, pillowPreprocessor),
                ("opencv", nil, opencvPreprocessor),
            ]
            for (mode, target, preprocessor) in modes {
                let decoded = try decoder.decode(bytes, reduceTo: target)
                let decodeMs = try median(runs) { _ = try decoder.decode(bytes, reduceTo: target) } * 1e3
                let resizeMs =
                    try median(runs) {
                        tensor.withUnsafeMutableBytes { preprocessor.write(decoded.image, into: $0) }
                    } * 1e3
                let totalMs =
                    try median(runs) {
                        let image = try decoder.decode(bytes, reduceTo: target).image
                        tensor.withUnsafeMutableBytes { preprocessor.write(image, into: $0) }
                    } * 1e3
                if mode == "full" {
                    fullTotal = totalMs
                    fullTensor = tensor
                }
                // Pillow's decode + resize where it exists; for the made-up JPEG, the full-size path (which is
                // Pillow-exact on every photo). OpenCV's resize against cv2's, which the made-up JPEG lacks.
                let reference = mode == "opencv" ? opencv : pillow ?? fullTensor
                let stats = reference.map { PixelStatistics(tensor, $0) }
                rows.append(
                    ImageRow(
                        image: name, size: "\(decoded.originalSize)", mode: mode,
                        decodedSize: "\(decoded.image.width)x\(decoded.image.height)", decodeMs: decodeMs,
                        resizeMs: resizeMs, totalMs: totalMs, speedup: fullTotal / totalMs,
                        mad: stats?.meanAbsoluteDifference, p99: stats?.percentile99))
            }
        }
        return rows
    }
}

/// Median wall time of `runs` calls of `body`, in seconds, after one untimed warm-up call.
func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<max(runs, 1) {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return times.sorted()[times.count / 2]
}

func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
func pad(_ text: String, _ width: Int) -> String {
    text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0)
}
