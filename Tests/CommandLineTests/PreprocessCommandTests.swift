import Foundation
import ImageIO
import Testing
import TestSupport

/// `ssd-detect preprocess`: its model input size, bounded before any image is read, and its resize methods.
struct PreprocessCommandTests {
    /// --resize opencv-bilinear writes cv2.resize's bytes (scripts/opencv_reference.py).
    @Test func theOpenCVResizeWritesOpenCVsBytes() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("preprocess-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let photo = Assets.root.appendingPathComponent("images/darknet_dog.jpg").path
        let result = try DetectCommandTests.run([
            "preprocess", "--resize", "opencv-bilinear", "--size", "320x240", "--out", out.path, photo,
        ])
        #expect(result.status == 0, "\(result.errors)")
        let png = try Assets.bytes(at: out.appendingPathComponent("darknet_dog.input.png"))
        #expect(try ImageDecoder().decode(png).image.pixels == (try Assets.bytes("opencv/darknet_dog.320x240.rgb")))
        let unknown = try DetectCommandTests.run(["preprocess", "--resize", "bicubic", photo])
        #expect(unknown.status == 64 && !unknown.crashed, "\(unknown)")
    }

    @Test(arguments: ["100000x300", "0x300", "300x", "300x300x3", "-1x300"])
    func aSizeOutsideItsBoundIsAUsageError(size: String) throws {
        let result = try DetectCommandTests.run(["preprocess", "--size=\(size)", "x.jpg"])
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains("--size must be WIDTHxHEIGHT, each 1...4096, not '\(size)'"), "\(result.errors)")
    }
}
