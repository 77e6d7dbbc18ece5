import CPUBackend
import Engine
import Foundation
import Testing
import TestSupport

/// The CPU backend on the float UltraFace network (ONNX) against onnxruntime's tensors (its locations decoded with
/// the authors' priors, as the golden boxes were), and the in-graph decoding variant against the reference backend.
struct CPUBackendONNXTests {
    static func graph(_ url: URL) throws -> Graph {
        try ONNXLoader.load(try Assets.bytes(at: url), name: url.lastPathComponent)
    }

    @Test(arguments: UltraFaceGolden.images, [1, 2])
    func rawOutputsAreOnnxruntimes(image: String, threads: Int) throws {
        let model = try CPUBackend().prepare(
            try Self.graph(UltraFaceGolden.networkOnlyModel), options: BackendOptions(threads: threads))
        for difference in try UltraFaceGolden.differences(model, image: image) {
            print("cpu backend ultraface \(image) \(difference.tensor), \(threads) threads: \(difference.maximum)")
            #expect(difference.holds, "\(difference.tensor): \(difference.maximum)")
        }
    }

    @Test func theInGraphDecodingVariantAgreesWithTheReferenceBackend() throws {
        let graph = try Self.graph(UltraFaceGolden.inGraphDecodingModel)
        let input = try UltraFaceGolden.inputNHWC("faces_2")
        var outputs: [[Float]] = []
        for backend in [CPUBackend() as any Backend, ReferenceBackend()] {
            let model = try backend.prepare(graph, options: BackendOptions())
            input.withUnsafeBytes { model.input(0).copyMemory(from: $0) }
            try model.run()
            outputs.append(Array(model.output(1).bindMemory(to: Float.self)))
        }
        let difference = zip(outputs[0], outputs[1]).map { abs($0 - $1) }.max() ?? .infinity
        #expect(outputs[0].count == 4420 * 4 && difference <= 1e-4, "\(difference)")
    }
}
