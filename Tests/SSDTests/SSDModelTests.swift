import Foundation
import Preprocess
import SSD
import Testing
import TestSupport

/// Models as their manifests describe them: the TFLite model's embedded postprocess, and the ONNX UltraFace's
/// preprocessing, generated priors and hard NMS, or its in-graph decoding.
struct SSDModelTests {
    static var modelFile: String { GoldenTensors.modelPath }
    static func catalog(_ name: String) -> String { Assets.models.appendingPathComponent(name).path }

    /// The network ends at the two heads; the TFLite_Detection_PostProcess is split off, its anchors read.
    @Test func theNetworkAndItsPostprocessAreSplit() throws {
        let model = try SSDModel(contentsOf: Self.modelFile)
        #expect(model.network.outputs.count == 2)
        #expect(model.tail.count == 1)
        #expect(model.embeddedPostprocessor?.anchors.count == 1917)
        #expect(model.postprocessor?.anchors.count == 1917)
        #expect(model.name == "detect.tflite")
        #expect(model.inputSpec == InputSpec(width: 300, height: 300, encoding: .uint8))
    }

    @Test func theFaceModelRunsAsItsManifestSays() throws {
        let model = try SSDModel(contentsOf: Self.catalog("ultraface_rfb_320"))
        #expect(model.network.outputs.map { model.network.tensors[$0].name } == ["boxes", "scores"])
        #expect(
            model.inputSpec
                == InputSpec(
                    width: 320, height: 240,
                    encoding: .float32(mean: SIMD3(repeating: 127), std: SIMD3(repeating: 128)),
                    resize: .opencvBilinear))
        let postprocessor = try #require(model.postprocessor)
        #expect(postprocessor.anchors == MinimumSizePriorConfiguration.ultraFace320.priors())
        #expect(postprocessor.options.nms == .hardPerClass(candidates: 200))
        #expect(postprocessor.options.boxCoder == BoxCoder(centerVariance: 0.1, sizeVariance: 0.2))
        #expect(postprocessor.options.classCount == 1)
    }

    @Test func theInGraphDecodingVariantNeedsNoAnchors() throws {
        let model = try SSDModel(contentsOf: Self.catalog("ultraface_rfb_320_decoded"))
        let postprocessor = try #require(model.postprocessor)
        #expect(postprocessor.anchors.isEmpty && postprocessor.boxCount == 4420)
        #expect(postprocessor.options.boxCoder.encoding == .cornersXYXY)
    }

    /// The face model's manifest with `change` applied to its JSON text.
    static func faceManifest(_ change: (String) -> String) throws -> ModelManifest {
        let path = Self.catalog("ultraface_rfb_320") + "/model.json"
        let text = String(decoding: try Assets.bytes(at: URL(fileURLWithPath: path)), as: UTF8.self)
        return try ModelManifest(json: Array(change(text).utf8), path: path)
    }

    @Test func aManifestThatContradictsTheModelIsATypedError() throws {
        let wrongSize = try Self.faceManifest { $0.replacingOccurrences(of: "\"width\": 320", with: "\"width\": 300") }
        #expect {
            try SSDModel(manifest: wrongSize)
        } throws: { error in
            guard case .invalidManifest(_, let key, let reason) = error as? SSDError else { return false }
            return key == "input" && reason.contains("320x240")
        }
        let wrongOutput = try Self.faceManifest {
            $0.replacingOccurrences(of: "\"boxes\": \"boxes\"", with: "\"boxes\": \"locations\"")
        }
        #expect {
            try SSDModel(manifest: wrongOutput)
        } throws: { error in
            guard case .invalidManifest(_, let key, _) = error as? SSDError else { return false }
            return key == "outputs"
        }
    }
}
