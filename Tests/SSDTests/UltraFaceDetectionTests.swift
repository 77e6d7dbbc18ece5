import CPUBackend
import Foundation
import ImageIO
import SSD
import Testing
import TestSupport

/// The face model end to end, photo bytes to detections, against onnxruntime's (reference/ultraface/
/// detections.json, the authors' pipeline): the network-only entry (priors generated here) and the in-graph
/// decoding entry must both give the same detections as the reference.
struct UltraFaceDetectionTests {
    static let entries = ["ultraface_rfb_320", "ultraface_rfb_320_decoded"]

    /// Per photo: the reference's detections as (score, [xmin, ymin, xmax, ymax] in pixels).
    static func reference() throws -> [String: [(score: Float, box: [Float])]] {
        let data = Data(try Assets.bytes("reference/ultraface/detections.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let images = try #require(document["images"] as? [String: [String: Any]])
        return try images.mapValues { image in
            try #require(image["detections"] as? [[String: Any]]).map { detection in
                (
                    Float(try #require(detection["score"] as? Double)),
                    try #require(detection["box"] as? [Double]).map(Float.init)
                )
            }
        }
    }

    @Test(arguments: entries)
    func everyFacePhotoGivesTheReferenceDetections(entry: String) throws {
        let detector = try Detector(
            modelPath: Assets.models.appendingPathComponent(entry).path, backend: CPUBackend())
        let reference = try Self.reference()
        #expect(reference.count == 6)
        for (file, expected) in reference.sorted(by: { $0.key < $1.key }) {
            let image = try ImageDecoder().decode(try Assets.bytes("images/\(file)")).image
            let found = try detector.detect(image).detections.sorted { $0.score > $1.score }
            let wanted = expected.sorted { $0.score > $1.score }
            #expect(
                found.count == wanted.count, "\(entry) \(file): \(found.count) detections, \(wanted.count) expected")
            for (detection, reference) in zip(found, wanted) {
                let box = zip(detection.box.xyxy, reference.box).map { abs($0 - $1) }.max() ?? .infinity
                #expect(detection.label == "face" && detection.classIndex == 0)
                #expect(box <= 1 && abs(detection.score - reference.score) <= 1e-3, "\(file): box \(box) px")
            }
        }
    }
}
