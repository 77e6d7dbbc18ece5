@testable import CPUBackend
import CQuantizedGEMM
import Engine
import Testing
import TestSupport

/// A depthwise convolution that packs its output straight into the activation rows of the pointwise convolution
/// after it (CPUModel+DepthwisePacking): bit-exact with the reference on every 8-bit variant this CPU runs, and
/// paired only where nothing else reads the depthwise output.
struct DepthwisePackingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var batches: Int, channels: Int, stride: Int, outputChannels: Int
        var testDescription: String { "\(batches)x7x13x\(channels) s\(stride) -> \(outputChannels)" }
    }

    /// Channel counts below, at and past the kernels' vectors (8 and 16 channels) and not multiples of the packed
    /// rows' 4 depths; two images, whose rows follow each other in the packed rows.
    static let cases: [Case] = [
        .init(batches: 1, channels: 1, stride: 1, outputChannels: 3),
        .init(batches: 1, channels: 5, stride: 2, outputChannels: 9),
        .init(batches: 2, channels: 13, stride: 1, outputChannels: 17),
        .init(batches: 1, channels: 24, stride: 1, outputChannels: 48),
        .init(batches: 2, channels: 37, stride: 2, outputChannels: 16),
        .init(batches: 1, channels: 70, stride: 1, outputChannels: 33),
        // A pointwise filter that outweighs its rows: split by columns (ConvolutionPartitionTests), each part
        // reading every packed row the depthwise convolution wrote.
        .init(batches: 1, channels: 256, stride: 2, outputChannels: 520),
    ]

    /// Depthwise (3x3, ReLU6) then pointwise: tensors input, filters, biases, the depthwise output, the output.
    static func graph(_ c: Case, depthwiseIsAlsoAnOutput: Bool = false, secondReader: Bool = false) -> Graph {
        var g = TestGraphs(seed: UInt64(c.channels))
        let window = Window(padding: .same, strideHeight: c.stride, strideWidth: c.stride)
        let geometry = window.geometry(inputHeight: 7, inputWidth: 13, filterHeight: 3, filterWidth: 3)!
        let middleShape = [c.batches, geometry.outputHeight, geometry.outputWidth, c.channels]
        var tensors = [
            g.quantized("input", [c.batches, 7, 13, c.channels], scale: 0.03, zeroPoint: 128),
            g.quantized("depthwise filter", [1, 3, 3, c.channels], scale: 0.02, zeroPoint: 127, constant: true),
            g.int32("depthwise bias", c.channels, range: -500...500),
            Tensor(
                name: "depthwise output", shape: middleShape, dataType: .uint8,
                quantization: Quantization(scale: 0.04, zeroPoint: 3)),
            g.quantized(
                "pointwise filter", [c.outputChannels, 1, 1, c.channels], scale: 0.01, zeroPoint: 121,
                constant: true),
            g.int32("pointwise bias", c.outputChannels, range: -3000...3000),
            Tensor(
                name: "output", shape: Array(middleShape.dropLast()) + [c.outputChannels], dataType: .uint8,
                quantization: Quantization(scale: 0.05, zeroPoint: 100)),
        ]
        var nodes = [
            Node(
                operation: .depthwiseConv2D(.init(window: window, depthMultiplier: 1, activation: .relu6)),
                inputs: [0, 1, 2], outputs: [3]),
            Node(
                operation: .conv2D(
                    .init(window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: .none)),
                inputs: [3, 4, 5],
                outputs: [6]),
        ]
        var outputs = [6]
        if secondReader {
            tensors.append(
                Tensor(name: "rectified", shape: middleShape, dataType: .uint8, quantization: tensors[3].quantization))
            nodes.append(Node(operation: .relu, inputs: [3], outputs: [7]))
            outputs.append(7)
        }
        if depthwiseIsAlsoAnOutput { outputs.append(3) }
        return Graph(name: "depthwise then pointwise", tensors: tensors, nodes: nodes, inputs: [0], outputs: outputs)
    }

    /// Every output of `graph` on the CPU backend and on the reference, from the same random input.
    static func outputs(_ graph: Graph, instructionSet: CPUInstructionSet, threads: Int) throws
        -> [(cpu: [UInt8], reference: [UInt8])]
    {
        let cpu = try CPUBackend(instructionSet: instructionSet).prepare(
            graph, options: BackendOptions(threads: threads))
        let reference = try ReferenceBackend().prepare(graph, options: BackendOptions())
        var inputs = TestGraphs(seed: 29)
        inputs.fillInputs(reference)
        cpu.input(0).copyMemory(from: UnsafeRawBufferPointer(reference.input(0)))
        try cpu.run()
        try reference.run()
        return graph.outputs.indices.map { (Array(cpu.output($0)), Array(reference.output($0))) }
    }

    @Test(arguments: cases, InstructionSets.supported)
    func packedRowsMatchTheReference(_ c: Case, _ instructionSet: CPUInstructionSet) throws {
        let graph = Self.graph(c)
        let model = try TestGraphs.cpuModel(graph, instructionSet)
        #expect(model.depthwisePackingPairs()[0] == 1)
        for threads in [1, 2, 3] {
            for (cpu, reference) in try Self.outputs(graph, instructionSet: instructionSet, threads: threads) {
                let comparison = HeadComparison(cpu, reference)
                #expect(comparison.maximumDifference == 0, "\(threads) threads: \(comparison)")
            }
        }
    }

    /// A depthwise output that the caller or another node reads is stored as a tensor, as before, and right.
    @Test(arguments: InstructionSets.supported)
    func anOutputReadElsewhereIsStored(_ instructionSet: CPUInstructionSet) throws {
        let c = Self.cases[3]
        for graph in [Self.graph(c, depthwiseIsAlsoAnOutput: true), Self.graph(c, secondReader: true)] {
            let model = try TestGraphs.cpuModel(graph, instructionSet)
            #expect(model.depthwisePackingPairs()[0] == nil)
            for (cpu, reference) in try Self.outputs(graph, instructionSet: instructionSet, threads: 2) {
                #expect(HeadComparison(cpu, reference).maximumDifference == 0)
            }
        }
    }

    /// In SSD MobileNet every depthwise layer packs for the pointwise one after it; the golden tests
    /// (CPUBackendGoldenTests) check the heads it computes so.
    @Test(arguments: InstructionSets.supported)
    func everyDepthwiseLayerOfTheModelPacks(_ instructionSet: CPUInstructionSet) throws {
        let network = try GoldenTensors.network()
        let model = try TestGraphs.cpuModel(network, instructionSet)
        let depthwise = network.nodes.indices.filter {
            if case .depthwiseConv2D = network.nodes[$0].operation { return true }
            return false
        }
        #expect(depthwise.count == 13)
        #expect(Set(model.depthwisePackingPairs().keys) == Set(depthwise))
    }

    /// Neither the depthwise outputs packed straight into rows nor the input gathered from the caller's bytes take
    /// arena storage: in SSD MobileNet they had reserved megabytes that nothing wrote.
    @Test(arguments: InstructionSets.supported)
    func theModelsArenaHoldsOnlyStoredTensors(_ instructionSet: CPUInstructionSet) throws {
        let network = try GoldenTensors.network()
        let model = try TestGraphs.cpuModel(network, instructionSet)
        let unstored = model.unstoredTensors()
        let packedOutputs = model.depthwisePackingPairs().keys.map { network.nodes[$0].outputs[0] }
        #expect(packedOutputs.count == 13)
        #expect(unstored == Set(network.inputs).union(packedOutputs))
        let stored = ArenaLayout(graph: network, outputs: network.outputs, elementSize: 4, unstored: unstored)
        let everything = ArenaLayout(graph: network, outputs: network.outputs, elementSize: 4)
        #expect(model.arenaSize == stored.size)
        #expect(everything.size - stored.size > 2_000_000, "\(everything.size) -> \(stored.size) bytes")
    }

    /// Without an 8-bit kernel nothing is packed.
    @Test func noPairsOnFloat() throws {
        let model = try TestGraphs.cpuModel(Self.graph(Self.cases[3]), .float)
        #expect(model.depthwisePackingPairs()[0] == nil)
    }
}

extension DepthwisePackingTests {
    /// Each supported kernel's packed rows byte for byte against the unfused path (the stored row, then
    /// `qgemm_pack_activations`), padding included, and nothing written past the row: padding is multiplied by
    /// zero weights and a tail that ran over would be overwritten by the next pixel, so the network tests could
    /// not see either. Channel counts around the vectors (8, 16, four at a time) and the 4-depth padding.
    @Test(arguments: InstructionSets.supported)
    func packedRowsAreTheUnfusedPathsBytes(_ instructionSet: CPUInstructionSet) {
        let kernel = instructionSet.kernel!
        var random = SplitMix64(seed: 61)
        for channels in [1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 24, 31, 32, 33, 47, 48, 63, 64, 65, 70] {
            let (height, width) = (5, 9)
            let zeroPoint: Int32 = 3
            let input = (0..<(height * width * channels)).map { _ in Float(Int(random.next() % 256) - 128) }
            let filter = (0..<(9 * channels)).map { _ in Float(Int(random.next() % 256) - 121) }
            let bias = (0..<channels).map { _ in Int32(Int(random.next() % 2001) - 1000) }
            let shape = qgemm_window(
                height: Int32(height), width: Int32(width), channels: Int32(channels), filterHeight: 3,
                filterWidth: 3, strideY: 1, strideX: 1, dilationY: 1, dilationX: 1, padTop: 1, padLeft: 1,
                outputHeight: Int32(height), outputWidth: Int32(width))
            let requantization = qgemm_requantization(
                significand: 1_518_500_250, shift: -9, zeroPoint: zeroPoint, low: 0, high: 255)
            let rowScale: Int32 = 7
            var stored = [Float](repeating: 0, count: width * channels)
            qgemm_depthwise_row(kernel, shape, input, filter, 2, bias, requantization, &stored)
            let rowBytes = qgemm_packed_activations_size(kernel, Int32(width), Int32(channels))
            var expected = [UInt8](repeating: 0xA5, count: rowBytes + 64)
            var expectedTerms = [Int32](repeating: -1, count: width + 1)
            qgemm_pack_activations(
                kernel, Int32(width), Int32(channels), stored, Int32(channels), Float(zeroPoint), &expected, rowScale,
                &expectedTerms)
            var packed = [UInt8](repeating: 0xA5, count: rowBytes + 64)
            var terms = [Int32](repeating: -1, count: width + 1)
            packed.withUnsafeMutableBytes { rows in
                terms.withUnsafeMutableBufferPointer { terms in
                    qgemm_depthwise_row_packed(
                        kernel, shape, input, filter, 2, bias, requantization,
                        qgemm_packed_rows(rows: rows.baseAddress, rowTerms: terms.baseAddress, rowSumScale: rowScale))
                }
            }
            #expect(packed == expected, "\(channels) channels")
            #expect(terms == expectedTerms, "\(channels) channels")
        }
    }

    /// Another 8-bit convolution between the depthwise one and its reader would overwrite the shared packed rows:
    /// no pair, and the outputs stay right.
    @Test(arguments: InstructionSets.supported)
    func noPairAcrossAnotherConvolution(_ instructionSet: CPUInstructionSet) throws {
        let c = Self.cases[3]
        var graph = Self.graph(c)
        // Node 1 becomes a 1x1 convolution of the input; the pointwise convolution of the depthwise output moves to
        // node 2, its output an extra graph output.
        var g = TestGraphs(seed: 71)
        let filter = g.quantized("between filter", [5, 1, 1, c.channels], scale: 0.01, zeroPoint: 119, constant: true)
        let output = Tensor(
            name: "between", shape: [c.batches, 7, 13, 5], dataType: .uint8,
            quantization: Quantization(scale: 0.05, zeroPoint: 90))
        graph.tensors += [filter, output]
        let between = Node(
            operation: .conv2D(
                .init(window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: .none)),
            inputs: [0, 7], outputs: [8])
        graph.nodes.insert(between, at: 1)
        graph.outputs.append(8)
        let model = try TestGraphs.cpuModel(graph, instructionSet)
        #expect(model.depthwisePackingPairs().isEmpty)
        for (cpu, reference) in try Self.outputs(graph, instructionSet: instructionSet, threads: 2) {
            #expect(HeadComparison(cpu, reference).maximumDifference == 0)
        }
    }
}
