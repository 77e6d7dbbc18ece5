import CPUBackend
import Engine
import Testing
import TestSupport

/// The CPU backend on the real model against the TFLite runtime's reference kernels (shared/reference/golden).
struct CPUBackendGoldenTests {
    static func preparedModel(threads: Int? = nil, integerConvolutions: Bool = true) throws -> any PreparedModel {
        let (network, _) = try TFLiteLoader.load(try Assets.bytes(GoldenTensors.modelPath), name: "detect.tflite")
            .splittingCustomTail()
        let logits = try #require(network.tensorIndex(named: "concat_1"))
        return try CPUBackend(integerConvolutions: integerConvolutions)
            .prepare(network, options: BackendOptions(threads: threads, extraOutputs: [logits]))
    }

    /// With the 8-bit kernel (where the CPU has it: CPUBackend.hasIntegerConvolutions) and with float SGEMM.
    @Test(arguments: GoldenTensors.images, [true, false])
    func rawHeadsAgreeWithTheReferenceKernelsAsCloselyAsXNNPACK(image: String, integerConvolutions: Bool) throws {
        let model = try Self.preparedModel(integerConvolutions: integerConvolutions)
        model.input(0).copyBytes(from: try GoldenTensors.bytes(image, "input"))
        try model.run()
        for (position, head) in ["enc", "scores", "logits"].enumerated() {
            let comparison = HeadComparison(Array(model.output(position)), try GoldenTensors.bytes(image, head))
            print(
                "cpu backend (\(integerConvolutions && CPUBackend.hasIntegerConvolutions ? "int8" : "float")) \(image) \(head): \(comparison)"
            )
            #expect(comparison.meetsTFLiteBound, "\(head): \(comparison)")
            if integerConvolutions && CPUBackend.hasIntegerConvolutions {
                // Integer accumulators and TFLite's integer requantization: the reference kernels' very bytes.
                #expect(comparison.maximumDifference == 0, "\(head): \(comparison)")
            }
        }
    }

    /// The count is of the calling thread, which runs its share of every kernel and hands the rest to the pool.
    @Test func runAllocatesNothing() throws {
        let model = try Self.preparedModel(threads: 2)
        model.input(0).copyBytes(from: try GoldenTensors.bytes("darknet_dog", "input"))
        try model.run()
        var failure: RunError?
        let allocations = countAllocations {
            do throws(RunError) { try model.run() } catch { failure = error }
        }
        #expect(failure == nil)
        #expect(allocations == 0)
    }

    @Test func repeatedRunsGiveIdenticalOutputs() throws {
        let model = try Self.preparedModel()
        model.input(0).copyBytes(from: try GoldenTensors.bytes("voc_000001", "input"))
        try model.run()
        let first = Array(model.output(1))
        try model.run()
        #expect(Array(model.output(1)) == first)
    }
}
