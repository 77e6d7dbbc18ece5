import CPUBackend
import Engine
import Testing
import TestSupport

/// The CPU backend on the real model against the TFLite runtime's reference kernels (shared/reference/golden).
struct CPUBackendGoldenTests {
    static func preparedModel(threads: Int? = nil, instructionSet: CPUInstructionSet? = nil) throws
        -> any PreparedModel
    {
        let network = try GoldenTensors.network()
        let logits = try #require(network.tensorIndex(named: "concat_1"))
        return try CPUBackend(instructionSet: instructionSet)
            .prepare(network, options: BackendOptions(threads: threads, extraOutputs: [logits]))
    }

    /// The three heads of `image` against the reference kernels'.
    static func headComparisons(_ image: String, instructionSet: CPUInstructionSet) throws
        -> [(String, HeadComparison)]
    {
        // Two threads whatever the machine: the split paths (column parts, element ranges) are what is checked.
        let model = try preparedModel(threads: 2, instructionSet: instructionSet)
        model.input(0).copyBytes(from: try GoldenTensors.bytes(image, "input"))
        try model.run()
        return try ["enc", "scores", "logits"].enumerated().map { position, head in
            let comparison = HeadComparison(Array(model.output(position)), try GoldenTensors.bytes(image, head))
            print("cpu backend (\(instructionSet.displayName)) \(image) \(head): \(comparison)")
            return (head, comparison)
        }
    }

    /// Integer accumulators and TFLite's integer requantization, on each 8-bit kernel this CPU runs: the reference
    /// kernels' very bytes (CPUInstructionSetTests names the variants this CPU lacks).
    @Test(arguments: GoldenTensors.images, InstructionSets.supported)
    func rawHeadsOnTheIntegerKernelAreTheReferenceKernelsBytes(image: String, instructionSet: CPUInstructionSet) throws
    {
        for (head, comparison) in try Self.headComparisons(image, instructionSet: instructionSet) {
            #expect(comparison.maximumDifference == 0, "\(head): \(comparison)")
        }
    }

    /// Quantized convolutions on float SGEMM, as on a CPU without the 8-bit kernel.
    @Test(arguments: GoldenTensors.images)
    func rawHeadsOnFloatConvolutionsAgreeAsCloselyAsXNNPACK(image: String) throws {
        for (head, comparison) in try Self.headComparisons(image, instructionSet: .float) {
            #expect(comparison.meetsTFLiteBound, "\(head): \(comparison)")
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
