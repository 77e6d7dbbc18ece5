import Engine
import Foundation

/// onnxruntime's tensors for the UltraFace RFB-320 face detector (shared/reference/ultraface/golden): the float
/// input (NCHW), the scores [4420, 2] of the network-only model, and its boxes [4420, 4] as the reference script
/// dumps them: decoded with the generated priors, normalized corners (x0, y0, x1, y1), not the raw locations.
public enum UltraFaceGolden {
    /// Images with golden tensors.
    public static let images = ["faces_2", "faces_13"]

    /// The network alone (catalog ultraface_rfb_320): raw locations, priors generated in code.
    public static let networkOnlyModel = Assets.models.appendingPathComponent(
        "ultraface_rfb_320/version-RFB-320_without_postprocessing.onnx")
    /// The same network with box decoding in the graph (catalog ultraface_rfb_320_decoded).
    public static let inGraphDecodingModel = Assets.models.appendingPathComponent(
        "ultraface_rfb_320_decoded/version-RFB-320.onnx")

    /// Input height and width.
    public static let (height, width) = (240, 320)

    /// The float32 elements of `tensor` ("input", "scores" or "boxes") for `image`.
    public static func floats(_ image: String, _ tensor: String) throws -> [Float] {
        let bytes = try Assets.bytes("reference/ultraface/golden/\(image).\(tensor).f32")
        return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Float(
                bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24)
        }
    }

    /// The authors' priors (cx, cy, w, h) from reference/ultraface/priors.csv.
    public static func priors() throws -> [[Float]] {
        let text = String(decoding: try Assets.bytes("reference/ultraface/priors.csv"), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",").compactMap { Float($0) }
            return fields.count == 4 ? fields : nil
        }
    }

    /// Raw locations decoded as onnx_reference.py's `decode` does (variances 0.1 and 0.2) against `priors`:
    /// normalized corners, to compare with the golden boxes.
    public static func decode(_ locations: [Float], priors: [[Float]]) -> [Float] {
        priors.enumerated().flatMap { i, prior -> [Float] in
            let l = locations[(i * 4)..<(i * 4 + 4)].map { $0 }
            let (cx, cy) = (l[0] * 0.1 * prior[2] + prior[0], l[1] * 0.1 * prior[3] + prior[1])
            let (w, h) = (expf(l[2] * 0.2) * prior[2], expf(l[3] * 0.2) * prior[3])
            return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        }
    }

    /// How far one head of a model is from onnxruntime's, with the bound for it.
    public struct Difference: Sendable {
        /// "scores" or "boxes".
        public let tensor: String
        /// The largest absolute difference.
        public let maximum: Float
        /// 1e-4 for scores, 1e-3 for boxes.
        public let bound: Float
        /// Whether the model wrote as many elements as onnxruntime did.
        public let countsMatch: Bool

        /// Within the bound, with every element there.
        public var holds: Bool { countsMatch && maximum <= bound }
    }

    /// Runs `model` (UltraFace, either form) on `image`'s golden input and compares its two heads with the golden
    /// scores and boxes; the network-only model's locations are decoded with the authors' priors first, as the
    /// golden boxes were.
    public static func differences(_ model: any PreparedModel, image: String, decodesInGraph: Bool = false) throws
        -> [Difference]
    {
        try inputNHWC(image).withUnsafeBytes { model.input(0).copyMemory(from: $0) }
        try model.run()
        let priors = try priors()
        return try [(0, "scores", Float(1e-4)), (1, "boxes", 1e-3)].map { position, tensor, bound in
            let expected = try floats(image, tensor)
            var actual = Array(model.output(position).bindMemory(to: Float.self))
            if tensor == "boxes" && !decodesInGraph { actual = decode(actual, priors: priors) }
            let maximum = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            return Difference(
                tensor: tensor, maximum: maximum, bound: bound, countsMatch: actual.count == expected.count)
        }
    }

    /// The golden input re-laid from NCHW (as onnxruntime takes it) to NHWC (as the engine does).
    public static func inputNHWC(_ image: String) throws -> [Float] {
        let nchw = try floats(image, "input")
        let pixels = height * width
        return (0..<(pixels * 3)).map { i in nchw[(i % 3) * pixels + i / 3] }
    }
}
