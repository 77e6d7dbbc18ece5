import Foundation
import Inference
import SSD
@testable import SSDService
import Testing

/// The handler's response bodies (docs/HTTP-API.md), pinned byte for byte: native and SageMaker, single and batch.
struct OutputBytesTests {
    static let image = ImageDetections(
        path: nil, width: 768, height: 576,
        detections: [
            Detection(
                label: "bicycle", classIndex: 1, score: 0.73828125,
                box: BoundingBox(ymin: 122.4788, xmin: 135.94626, ymax: 434.4238, xmax: 579.0178),
                normalizedBox: BoundingBox(ymin: 0.2126368, xmin: 0.17701337, ymax: 0.75420797, xmax: 0.7539295))
        ],
        timings: StageTimings(decode: 2.5, preprocess: 1.25, network: 4.75, postprocess: 0.5))
    static let detections = """
        "detections":[{"box":[135.94626,122.4788,579.0178,434.4238],\
        "box_normalized":[0.17701337,0.2126368,0.7539295,0.75420797],\
        "class_id":1,"label":"bicycle","score":0.73828125}],"height":576
        """
    static let timings = #""timing_ms":{"decode":2.5,"network":4.75,"postprocess":0.5,"preprocess":1.25,"total":9}"#

    static func body(_ isBatch: Bool, accept: String?) async throws -> String {
        let handler = SSDHandler(configuration: .init(backend: { fatalError("no model is loaded") }))
        let prediction = SSDHandler.Prediction(
            model: "detect.tflite", results: isBatch ? [image, image] : [image], isBatch: isBatch)
        let output = try await handler.outputFn(prediction: prediction, accept: handler.responseFormat(accept: accept))
        #expect(output.contentType == "application/json")
        return String(decoding: output.body, as: UTF8.self)
    }

    @Test func nativeBodiesAreThePinnedBytes() async throws {
        let single = "{\(Self.detections),\"model\":\"detect.tflite\",\(Self.timings),\"width\":768}"
        #expect(try await Self.body(false, accept: nil) == single)
        let image = "{\(Self.detections),\(Self.timings),\"width\":768}"
        #expect(
            try await Self.body(true, accept: "application/json")
                == "{\"model\":\"detect.tflite\",\"predictions\":[\(image),\(image)]}")
    }

    @Test func sageMakerBodiesAreThePinnedBytes() async throws {
        let rows = #"{"prediction":[[1,0.73828125,0.17701337,0.2126368,0.7539295,0.75420797]]}"#
        let sagemaker = "application/json; format=sagemaker"
        #expect(try await Self.body(false, accept: sagemaker) == rows)
        #expect(try await Self.body(true, accept: sagemaker) == "{\"predictions\":[\(rows),\(rows)]}")
    }
}
