import Engine
import Testing
import TestSupport

/// The reference backend against the TFLite runtime's reference kernels on the real model.
struct ReferenceBackendTests {
    @Test(arguments: GoldenTensors.images)
    func rawHeadsMatchTheTFLiteReferenceKernels(image: String) throws {
        let network = try GoldenTensors.network()
        let logits = try #require(network.tensorIndex(named: "concat_1"))
        let model = try ReferenceBackend().prepare(network, options: BackendOptions(extraOutputs: [logits]))
        let input = try GoldenTensors.bytes(image, "input")
        model.input(0).copyBytes(from: input)
        try model.run()
        for (position, head) in ["enc", "scores", "logits"].enumerated() {
            let comparison = HeadComparison(Array(model.output(position)), try GoldenTensors.bytes(image, head))
            print("reference backend \(image) \(head): \(comparison)")
            // Same integer arithmetic as TFLite's reference kernels: every element identical.
            #expect(comparison.maximumDifference == 0, "\(head): \(comparison)")
        }
    }
}
