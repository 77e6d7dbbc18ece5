@testable import CPUBackend
import Engine
import Testing
import TestSupport

/// Quantization parameters at the far ends of what validation lets through (scales of 2^-60 and 2^60, biases
/// anywhere in int32): every backend computes with them without trapping, and the CPU backend agrees with the
/// reference where TFLite's arithmetic is defined.
struct ExtremeQuantizationTests {
    /// A 1x1 convolution of a [1, 3, 5, 8] input to 6 channels, with `bias` for every channel and `activation`.
    static func convolution(bias: Int32, outputScale: Float, activation: FusedActivation) -> Graph {
        var g = TestGraphs(seed: 41)
        let input = g.quantized("input", [1, 3, 5, 8], scale: 0.02, zeroPoint: 255)
        let filter = g.quantized("filter", [6, 1, 1, 8], scale: 0.01, zeroPoint: 0, constant: true)
        let biases = Tensor(
            name: "bias", shape: [6], dataType: .int32, quantization: Quantization(scale: 0.0002, zeroPoint: 0),
            data: (0..<6).flatMap { withUnsafeBytes(of: (($0 % 2 == 0) ? bias : 0 &- bias).littleEndian, Array.init) })
        let output = Tensor(
            name: "output", shape: [1, 3, 5, 6], dataType: .uint8,
            quantization: Quantization(scale: outputScale, zeroPoint: 100))
        return TestGraphs.graph(
            .conv2D(.init(window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: activation)),
            inputs: [input, filter, biases], output: output)
    }

    /// Biases far from zero but with every accumulator below 2^30 (what the 8-bit kernels' requantization is
    /// written for): bit-exact on every variant.
    @Test(arguments: [Int32(1 << 29), Int32(-(1 << 29) - 12345)])
    func largeBiasesAreExact(bias: Int32) throws {
        let graph = Self.convolution(bias: bias, outputScale: 0.05, activation: .none)
        for instructionSet in InstructionSets.supported {
            try OperationParityTests.expectQuantizedAgreement(
                graph, seed: 41, exactAtLeast: 1, backend: CPUBackend(instructionSet: instructionSet),
                bitExactOnIntegers: true)
        }
    }

    /// Biases at the ends of int32, where TFLite's int32 sums wrap: no backend traps (a trap ends the test run),
    /// and each writes its whole output.
    @Test(arguments: [Int32.max, Int32.min, Int32.max - 300])
    func biasesAtTheEndsOfInt32NeverTrap(bias: Int32) throws {
        let graph = Self.convolution(bias: bias, outputScale: 0.05, activation: .relu6)
        for instructionSet in InstructionSets.supported + [.float] {
            let (cpu, reference) = try OperationParityTests.run(
                graph, seed: 42, backend: CPUBackend(instructionSet: instructionSet))
            #expect(cpu.count == 90 && reference.count == 90)
        }
    }

    /// An output scale of 2^-60 puts RELU6's 6 at 6.9e18 steps, past Int32: the clamp range saturates (its lower
    /// end the zero point, 100) instead of trapping, on every backend. (The multiplier, 2^48, is past what TFLite's
    /// arithmetic defines, so the backends need not agree on the values.)
    @Test func aTinyOutputScaleSaturatesTheClampRange() throws {
        let graph = Self.convolution(bias: 1000, outputScale: 0x1p-60, activation: .relu6)
        for instructionSet in InstructionSets.supported + [.float] {
            let (cpu, reference) = try OperationParityTests.run(
                graph, seed: 43, backend: CPUBackend(instructionSet: instructionSet))
            #expect(cpu.count == 90 && cpu.allSatisfy { $0 >= 100 }, "\(instructionSet)")
            #expect(reference.count == 90 && reference.allSatisfy { $0 >= 100 })
        }
    }

    /// EXP of a quantized input with a scale of 2^60 is infinite for most inputs, and a concatenation from a
    /// 2^60 scale to a 2^-60 one multiplies by 2^120: both saturate in every backend, within 1 LSB of each other.
    @Test func infiniteRealValuesSaturate() throws {
        var g = TestGraphs(seed: 44)
        let exp = TestGraphs.graph(
            .exp, inputs: [g.quantized("input", [1, 4, 4, 2], scale: 0x1p60, zeroPoint: 128)],
            output: Tensor(
                name: "output", shape: [1, 4, 4, 2], dataType: .uint8,
                quantization: Quantization(scale: 0.5, zeroPoint: 0)))
        try OperationParityTests.expectQuantizedAgreement(exp, seed: 44, exactAtLeast: 1)
        let concatenation = TestGraphs.graph(
            .concatenation(axis: -1, activation: .none),
            inputs: [
                g.quantized("a", [1, 2, 3, 2], scale: 0x1p60, zeroPoint: 10),
                g.quantized("b", [1, 2, 3, 3], scale: 0x1p-60, zeroPoint: 200),
            ],
            graphInputs: 2,
            output: Tensor(
                name: "output", shape: [1, 2, 3, 5], dataType: .uint8,
                quantization: Quantization(scale: 0x1p-60, zeroPoint: 7)))
        try OperationParityTests.expectQuantizedAgreement(concatenation, seed: 45, exactAtLeast: 1)
    }

    /// A convolution as deep as `IntegerGEMM.depthBound` runs on the float kernels, one less on the 8-bit kernel
    /// (the bound keeps the accumulators where the requantization is exact and the C kernels' int offsets small);
    /// both agree with the reference.
    @Test(arguments: [IntegerGEMM.depthBound - 1, IntegerGEMM.depthBound])
    func onlyConvolutionsBelowTheDepthBoundRunOnTheIntegerKernel(depth: Int) throws {
        var g = TestGraphs(seed: 44)
        let graph = TestGraphs.graph(
            .conv2D(.init(window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: .none)),
            inputs: [
                g.quantized("input", [1, 1, 2, depth], scale: 0.02, zeroPoint: 128),
                g.quantized("filter", [3, 1, 1, depth], scale: 0.0005, zeroPoint: 127, constant: true),
                g.int32("bias", 3, range: -1000...1000),
            ],
            output: Tensor(
                name: "output", shape: [1, 1, 2, 3], dataType: .uint8,
                quantization: Quantization(scale: 0.5, zeroPoint: 128)))
        for instructionSet in InstructionSets.supported {
            let model = try TestGraphs.cpuModel(graph, instructionSet)
            #expect(model.runsOnIntegers(graph.nodes[0]) == (depth < IntegerGEMM.depthBound), "\(instructionSet)")
            let (cpu, reference) = try OperationParityTests.run(
                graph, seed: 45, backend: CPUBackend(instructionSet: instructionSet))
            let difference = zip(cpu, reference).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(cpu.count == 6 && difference <= (depth < IntegerGEMM.depthBound ? 0 : 1), "\(instructionSet)")
        }
    }
}
