import Engine
import Foundation
import SSD
import Testing
import TestSupport

/// UltraFace's postprocess against its authors' pipeline (shared/tools/onnx_reference.py --raw, onnxruntime) on the
/// heads it dumped (reference/ultraface/golden): scores [4420, 2] after the softmax, and boxes [4420, 4] as it dumps
/// them, already decoded against the generated priors into normalized corners (it decodes, then dumps: decoding
/// the raw locations of those priors gives these boxes bit for bit; `BoxCoderTests` checks that arithmetic). So
/// these heads take the path of the model whose graph decodes: in-graph corners, hard NMS.
struct UltraFacePostprocessTests {
    /// detections_raw.json: per image, its size and the detections in pixels (class 1 is the face, 0 background).
    struct Reference: Decodable {
        struct Image: Decodable {
            let width: Int
            let height: Int
            let detections: [Detection]
        }
        struct Detection: Decodable {
            let `class`: Int
            let score: Float
            let box: [Float]
        }
        let images: [String: Image]
    }

    /// The authors' settings: score > 0.7, IoU 0.3, 200 candidates per class, no total limit (here the boxes).
    static let postprocessor = SSDPostprocessor(
        inGraphBoxes: 4420,
        options: PostprocessOptions(
            classCount: 1, maximumDetections: 4420, nms: .hardPerClass(candidates: 200), scoreThreshold: 0.7,
            iouThreshold: 0.3, boxCoder: BoxCoder(encoding: .cornersXYXY)))

    /// Same count, classes and order; scores and pixel boxes within the JSON's rounding (6 and 2 decimals), far
    /// inside 1e-3 and 1 px: the corners are the reference's own, only its rounding is left.
    @Test(arguments: ["faces_2", "faces_13"])
    func reproducesTheAuthorsDetections(image: String) throws {
        let json = try Assets.bytes("reference/ultraface/golden/detections_raw.json")
        let reference = try #require(try JSONDecoder().decode(Reference.self, from: Data(json)).images["\(image).jpg"])
        let boxes = try Assets.bytes("reference/ultraface/golden/\(image).boxes.f32")
        let scores = try Assets.bytes("reference/ultraface/golden/\(image).scores.f32")
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        let (boxesTensor, scoresTensor) = (tensor([1, 4420, 4]), tensor([1, 4420, 2]))
        try Self.postprocessor.validate(encodings: boxesTensor, scores: scoresTensor)
        try #require(boxes.count == 4420 * 4 * 4 && scores.count == 4420 * 2 * 4)
        let detections = boxes.withUnsafeBytes { b in
            scores.withUnsafeBytes { s in
                Self.postprocessor.detections(
                    encodings: TensorValues(b, tensor: boxesTensor), scores: TensorValues(s, tensor: scoresTensor))
            }
        }
        #expect(detections.count == reference.detections.count && !detections.isEmpty)
        let (width, height) = (Float(reference.width), Float(reference.height))
        for (i, (detection, expected)) in zip(detections, reference.detections).enumerated() {
            #expect(detection.classIndex == expected.class - 1, "detection \(i)")
            #expect(abs(detection.score - expected.score) <= 1e-6, "detection \(i)")
            let box = detection.box
            let pixels = [box.xmin * width, box.ymin * height, box.xmax * width, box.ymax * height]
            for k in 0..<4 { #expect(abs(pixels[k] - expected.box[k]) <= 0.01, "detection \(i) coordinate \(k)") }
        }
    }
}
