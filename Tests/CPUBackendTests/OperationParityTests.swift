import CPUBackend
import Engine
import Testing
import TestSupport

/// Each op on the CPU backend against the reference backend, on random data and odd shapes: 1x1 and 3x3
/// filters, stride 2, dilation, 7x13 images, channel counts that are not multiples of 8.
struct OperationParityTests {
    /// Runs `graph` on both backends with the same random inputs; returns (cpu, reference) output bytes.
    static func run(_ graph: Graph, seed: UInt64, backend: CPUBackend = CPUBackend(), threads: Int = 2) throws
        -> (cpu: [UInt8], reference: [UInt8])
    {
        let cpu = try backend.prepare(graph, options: BackendOptions(threads: threads))
        let reference = try ReferenceBackend().prepare(graph, options: BackendOptions())
        var inputs = TestGraphs(seed: seed &* 7919)
        inputs.fillInputs(reference)
        for position in reference.inputIndices.indices {
            cpu.input(position).copyMemory(from: UnsafeRawBufferPointer(reference.input(position)))
        }
        try cpu.run()
        try reference.run()
        return (Array(cpu.output(0)), Array(reference.output(0)))
    }

    /// Within 1 LSB and mostly exact; bit-exact for convolutions on the 8-bit path (`bitExactOnIntegers`).
    static func expectQuantizedAgreement(
        _ graph: Graph, seed: UInt64, exactAtLeast: Double = 0.97,
        backend: CPUBackend = CPUBackend(), threads: Int = 2, bitExactOnIntegers: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (cpu, reference) = try run(graph, seed: seed, backend: backend, threads: threads)
        let comparison = HeadComparison(cpu, reference)
        if bitExactOnIntegers, try CPUInstructionSet.resolve(backend.instructionSet) != .float {
            #expect(comparison.maximumDifference == 0, "\(graph.name): \(comparison)", sourceLocation: sourceLocation)
        }
        #expect(comparison.maximumDifference <= 1, "\(graph.name): \(comparison)", sourceLocation: sourceLocation)
        #expect(comparison.exact >= exactAtLeast, "\(graph.name): \(comparison)", sourceLocation: sourceLocation)
    }

    static func expectFloatAgreement(_ graph: Graph, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let (cpu, reference) = try run(graph, seed: seed)
        let a = cpu.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let b = reference.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1e-4, "\(graph.name): relative difference \(worst)", sourceLocation: sourceLocation)
    }

    struct ConvolutionCase: CustomTestStringConvertible, Sendable {
        var height: Int, width: Int, inputChannels: Int, outputChannels: Int
        var filter: Int, stride: Int, dilation: Int, padding: Padding, activation: FusedActivation
        var testDescription: String {
            "\(height)x\(width)x\(inputChannels)->\(outputChannels) k\(filter) s\(stride) d\(dilation) \(padding) \(activation)"
        }
    }

    static let convolutions: [ConvolutionCase] = [
        .init(
            height: 1, width: 1, inputChannels: 5, outputChannels: 3, filter: 1, stride: 1, dilation: 1, padding: .same,
            activation: .none),
        .init(
            height: 7, width: 13, inputChannels: 11, outputChannels: 13, filter: 1, stride: 1, dilation: 1,
            padding: .valid, activation: .relu6),
        .init(
            height: 7, width: 13, inputChannels: 3, outputChannels: 9, filter: 3, stride: 2, dilation: 1,
            padding: .same, activation: .relu6),
        .init(
            height: 9, width: 8, inputChannels: 16, outputChannels: 24, filter: 3, stride: 1, dilation: 1,
            padding: .valid, activation: .relu),
        .init(
            height: 11, width: 10, inputChannels: 7, outputChannels: 5, filter: 3, stride: 1, dilation: 2,
            padding: .same, activation: .none),
        .init(
            height: 19, width: 19, inputChannels: 64, outputChannels: 48, filter: 1, stride: 2, dilation: 1,
            padding: .same, activation: .reluN1To1),
        .init(
            height: 5, width: 1, inputChannels: 33, outputChannels: 40, filter: 1, stride: 1, dilation: 1,
            padding: .same, activation: .relu6),
        // Filters that outweigh their rows and outputs: on the 8-bit kernels, split by columns
        // (ConvolutionPartitionTests), the last part's columns not a whole number of blocks.
        .init(
            height: 2, width: 3, inputChannels: 320, outputChannels: 500, filter: 1, stride: 1, dilation: 1,
            padding: .same, activation: .relu6),
        .init(
            height: 4, width: 5, inputChannels: 64, outputChannels: 330, filter: 3, stride: 1, dilation: 1,
            padding: .same, activation: .none),
    ]

    /// Quantized convolutions on each 8-bit kernel this CPU runs: bit-exact (CPUInstructionSetTests names the others).
    @Test(arguments: convolutions, InstructionSets.supported)
    func quantizedConvolutionOnTheIntegerKernel(_ c: ConvolutionCase, _ instructionSet: CPUInstructionSet) throws {
        try Self.quantizedConvolution(c, instructionSet: instructionSet)
    }

    /// Quantized convolutions on float SGEMM, as on a CPU without the 8-bit kernel: within 1 LSB.
    @Test(arguments: convolutions)
    func quantizedConvolutionOnFloatSGEMM(_ c: ConvolutionCase) throws {
        try Self.quantizedConvolution(c, instructionSet: .float)
    }

    static func quantizedConvolution(_ c: ConvolutionCase, instructionSet: CPUInstructionSet) throws {
        var g = TestGraphs(seed: 1)
        let window = Window(
            padding: c.padding, strideHeight: c.stride, strideWidth: c.stride, dilationHeight: c.dilation,
            dilationWidth: c.dilation)
        let input = g.quantized("input", [1, c.height, c.width, c.inputChannels], scale: 0.02, zeroPoint: 120)
        let filter = g.quantized(
            "filter", [c.outputChannels, c.filter, c.filter, c.inputChannels], scale: 0.01,
            zeroPoint: 130, constant: true)
        let bias = g.int32("bias", c.outputChannels, range: -3000...3000)
        let geometry = window.geometry(
            inputHeight: c.height, inputWidth: c.width, filterHeight: c.filter, filterWidth: c.filter)!
        let output = Tensor(
            name: "output", shape: [1, geometry.outputHeight, geometry.outputWidth, c.outputChannels],
            dataType: .uint8, quantization: Quantization(scale: 0.05 * Float(c.filter), zeroPoint: 100))
        // On 3 threads too: a column split's last part then takes the remaining blocks.
        for threads in [2, 3] {
            try expectQuantizedAgreement(
                TestGraphs.graph(
                    .conv2D(.init(window: window, activation: c.activation)),
                    inputs: [input, filter, bias], output: output), seed: 1,
                backend: CPUBackend(instructionSet: instructionSet), threads: threads, bitExactOnIntegers: true)
        }
    }

    @Test(arguments: convolutions)
    func floatConvolution(_ c: ConvolutionCase) throws {
        var g = TestGraphs(seed: 2)
        let window = Window(
            padding: c.padding, strideHeight: c.stride, strideWidth: c.stride, dilationHeight: c.dilation,
            dilationWidth: c.dilation)
        let geometry = window.geometry(
            inputHeight: c.height, inputWidth: c.width, filterHeight: c.filter, filterWidth: c.filter)!
        let graph = TestGraphs.graph(
            .conv2D(.init(window: window, activation: c.activation)),
            inputs: [
                g.float("input", [1, c.height, c.width, c.inputChannels]),
                g.float("filter", [c.outputChannels, c.filter, c.filter, c.inputChannels], constant: true),
                g.floatBias(c.outputChannels),
            ],
            output: g.float("output", [1, geometry.outputHeight, geometry.outputWidth, c.outputChannels]))
        try Self.expectFloatAgreement(graph, seed: 2)
    }

    /// Bit-exact on every 8-bit variant this CPU runs, within 1 LSB on float. Channel counts below, at and past the
    /// C kernel's vectors (8 or 16 channels, four at a time); a multiplier of 3 stays in Swift.
    @Test(arguments: [
        (13, 1, 1, Padding.same), (24, 1, 2, .same), (5, 2, 1, .valid), (16, 1, 1, .valid), (6, 3, 2, .same),
        (70, 1, 1, .same), (136, 1, 2, .valid),
    ])
    func quantizedDepthwiseConvolution(channels: Int, multiplier: Int, stride: Int, padding: Padding) throws {
        var g = TestGraphs(seed: 3)
        let window = Window(padding: padding, strideHeight: stride, strideWidth: stride)
        let geometry = window.geometry(inputHeight: 7, inputWidth: 13, filterHeight: 3, filterWidth: 3)!
        let outputChannels = channels * multiplier
        let graph = TestGraphs.graph(
            .depthwiseConv2D(.init(window: window, depthMultiplier: multiplier, activation: .relu6)),
            inputs: [
                g.quantized("input", [1, 7, 13, channels], scale: 0.03, zeroPoint: 128),
                g.quantized("filter", [1, 3, 3, outputChannels], scale: 0.02, zeroPoint: 127, constant: true),
                g.int32("bias", outputChannels, range: -500...500),
            ],
            output: Tensor(
                name: "output", shape: [1, geometry.outputHeight, geometry.outputWidth, outputChannels],
                dataType: .uint8, quantization: Quantization(scale: 0.04, zeroPoint: 0)))
        for instructionSet in InstructionSets.supported + [.float] {
            try Self.expectQuantizedAgreement(
                graph, seed: 3, backend: CPUBackend(instructionSet: instructionSet), bitExactOnIntegers: true)
        }
        let floatGraph = TestGraphs.graph(
            .depthwiseConv2D(.init(window: window, depthMultiplier: multiplier, activation: .none)),
            inputs: [
                g.float("input", [1, 7, 13, channels]),
                g.float("filter", [1, 3, 3, outputChannels], constant: true), g.floatBias(outputChannels),
            ],
            output: g.float("output", [1, geometry.outputHeight, geometry.outputWidth, outputChannels]))
        try Self.expectFloatAgreement(floatGraph, seed: 4)
    }

    @Test func pooling() throws {
        var g = TestGraphs(seed: 5)
        for average in [true, false] {
            let parameters = Pool2DParameters(
                window: Window(padding: .same, strideHeight: 2, strideWidth: 2),
                filterHeight: 3, filterWidth: 3, activation: .none)
            let operation: Operation = average ? .averagePool2D(parameters) : .maxPool2D(parameters)
            let quantization = Quantization(scale: 0.1, zeroPoint: 10)
            try Self.expectQuantizedAgreement(
                TestGraphs.graph(
                    operation,
                    inputs: [g.quantized("input", [1, 7, 13, 5], scale: 0.1, zeroPoint: 10)],
                    output: Tensor(name: "output", shape: [1, 4, 7, 5], dataType: .uint8, quantization: quantization)),
                seed: 5, exactAtLeast: 1)
            try Self.expectFloatAgreement(
                TestGraphs.graph(
                    operation, inputs: [g.float("input", [1, 7, 13, 5])],
                    output: g.float("output", [1, 4, 7, 5])), seed: 6)
        }
    }

    @Test func concatenationWithDifferentQuantization() throws {
        var g = TestGraphs(seed: 7)
        let graph = TestGraphs.graph(
            .concatenation(axis: -1, activation: .none),
            inputs: [
                g.quantized("a", [1, 3, 5, 3], scale: 0.05, zeroPoint: 100),
                g.quantized("b", [1, 3, 5, 7], scale: 0.08, zeroPoint: 30),
            ],
            graphInputs: 2,
            output: Tensor(
                name: "output", shape: [1, 3, 5, 10], dataType: .uint8,
                quantization: Quantization(scale: 0.07, zeroPoint: 80)))
        try Self.expectQuantizedAgreement(graph, seed: 7)
        let floats = TestGraphs.graph(
            .concatenation(axis: 1, activation: .none),
            inputs: [g.float("a", [2, 3, 4]), g.float("b", [2, 5, 4])], graphInputs: 2,
            output: g.float("output", [2, 8, 4]))
        try Self.expectFloatAgreement(floats, seed: 8)
    }

    /// SSD's score tensors: concatenated (along anchors, and along the last axis), then LOGISTIC, then out to
    /// bytes, large enough that each kernel splits into element ranges on 2 threads, ranges that cut rows in
    /// the middle. The split changes no byte, and agrees with the reference.
    @Test(arguments: ["concatenate anchors", "concatenate channels", "logistic"])
    func largeTensorsSplitIntoElementRanges(_ name: String) throws {
        var g = TestGraphs(seed: 10)
        let scores = Quantization(scale: 0.1, zeroPoint: 170)
        let graph: Graph
        switch name {
        case "concatenate anchors":
            graph = TestGraphs.graph(
                .concatenation(axis: 1, activation: .none),
                inputs: [
                    g.quantized("a", [1, 1083, 91], scale: 0.09, zeroPoint: 160),
                    g.quantized("b", [1, 600, 91], scale: 0.1, zeroPoint: 170),
                    g.quantized("c", [1, 150, 91], scale: 0.12, zeroPoint: 150),
                ], graphInputs: 3,
                output: Tensor(name: "output", shape: [1, 1833, 91], dataType: .uint8, quantization: scores))
        case "concatenate channels":
            graph = TestGraphs.graph(
                .concatenation(axis: -1, activation: .none),
                inputs: [
                    g.quantized("a", [1, 151, 101, 5], scale: 0.05, zeroPoint: 100),
                    g.quantized("b", [1, 151, 101, 2], scale: 0.08, zeroPoint: 30),
                ], graphInputs: 2,
                output: Tensor(
                    name: "output", shape: [1, 151, 101, 7], dataType: .uint8,
                    quantization: Quantization(scale: 0.07, zeroPoint: 80)))
        default:
            graph = TestGraphs.graph(
                .logistic, inputs: [g.quantized("input", [1, 1917, 91], scale: 0.1, zeroPoint: 170)],
                output: Tensor(
                    name: "output", shape: [1, 1917, 91], dataType: .uint8,
                    quantization: Quantization(scale: 1 / 256, zeroPoint: 0)))
        }
        let one = try Self.run(graph, seed: 10, threads: 1).cpu
        let (two, reference) = try Self.run(graph, seed: 10, threads: 2)
        let changed = zip(one, two).filter { $0 != $1 }.count
        #expect(changed == 0, "\(changed) of \(one.count) bytes differ between 1 and 2 threads")
        let comparison = HeadComparison(two, reference)
        #expect(comparison.maximumDifference <= 1, "\(comparison)")
        #expect(comparison.exact >= 0.97, "\(comparison)")
    }

    @Test(arguments: ["logistic", "relu", "relu6", "requantize", "reshape"])
    func quantizedUnary(_ name: String) throws {
        var g = TestGraphs(seed: 9)
        let operation: Operation =
            switch name {
            case "logistic": .logistic
            case "relu": .relu
            case "relu6": .relu6
            case "requantize": .quantize
            default: .reshape
            }
        let input = g.quantized("input", [1, 7, 13, 11], scale: 0.06, zeroPoint: 140)
        let output = Tensor(
            name: "output", shape: name == "reshape" ? [7, 143] : [1, 7, 13, 11], dataType: .uint8,
            quantization: name == "logistic"
                ? Quantization(scale: 1 / 256, zeroPoint: 0)
                : name == "reshape" ? input.quantization : Quantization(scale: 0.03, zeroPoint: 20))
        try Self.expectQuantizedAgreement(TestGraphs.graph(operation, inputs: [input], output: output), seed: 9)
    }

    @Test func arithmetic() throws {
        var g = TestGraphs(seed: 10)
        for operation in [Operation.add(activation: .relu6), .mul(activation: .none)] {
            let graph = TestGraphs.graph(
                operation,
                inputs: [
                    g.quantized("a", [1, 7, 13, 3], scale: 0.05, zeroPoint: 100),
                    g.quantized("b", [1, 7, 13, 3], scale: 0.02, zeroPoint: 50),
                ],
                graphInputs: 2,
                output: Tensor(
                    name: "output", shape: [1, 7, 13, 3], dataType: .uint8,
                    quantization: Quantization(scale: 0.1, zeroPoint: 60)))
            try Self.expectQuantizedAgreement(graph, seed: 10, exactAtLeast: 0.9)
            let scalar = TestGraphs.graph(
                operation,
                inputs: [g.float("a", [1, 7, 13, 3]), g.float("b", [1], constant: true)],
                output: g.float("output", [1, 7, 13, 3]))
            try Self.expectFloatAgreement(scalar, seed: 11)
        }
    }

    @Test func quantizeAndDequantize() throws {
        var g = TestGraphs(seed: 12)
        try Self.expectQuantizedAgreement(
            TestGraphs.graph(
                .quantize, inputs: [g.float("x", [3, 17])],
                output: Tensor(
                    name: "q", shape: [3, 17], dataType: .uint8, quantization: Quantization(scale: 0.02, zeroPoint: 100)
                )),
            seed: 12, exactAtLeast: 1)
        try Self.expectFloatAgreement(
            TestGraphs.graph(
                .dequantize,
                inputs: [g.quantized("q", [3, 17], scale: 0.02, zeroPoint: 100)], output: g.float("x", [3, 17])),
            seed: 13)
    }
}
