import Engine
import Testing
import TestSupport

@testable import CPUBackend

/// CFloatKernels' convolutions against the reference backend, each instruction-set variant this CPU runs on its
/// own (a variant it lacks is disabled by name), on the shapes the tiles find awkward: channel counts that are not
/// multiples of a panel (8 or 16) or a tile (16 or 32), pixel counts that are not multiples of a tile's rows (6 or
/// 8), padding on every side, stride 2, dilation, a one-pixel input, on one thread and two.
struct FloatKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var height: Int, width: Int, inputChannels: Int, outputChannels: Int
        var filter: Int, stride: Int = 1, dilation: Int = 1, padding: Padding = .same
        var activation: FusedActivation = .none
        var testDescription: String {
            "\(height)x\(width)x\(inputChannels)->\(outputChannels) k\(filter) s\(stride) d\(dilation) \(padding) "
                + "\(activation)"
        }
    }

    static let convolutions: [Case] = [
        // The 1x1 stride-1 GEMM: odd depths, channels across one and two vectors, partial row tiles.
        .init(height: 1, width: 1, inputChannels: 5, outputChannels: 3, filter: 1),
        .init(height: 7, width: 13, inputChannels: 11, outputChannels: 17, filter: 1, activation: .relu6),
        .init(height: 5, width: 3, inputChannels: 33, outputChannels: 40, filter: 1, activation: .relu),
        .init(height: 3, width: 9, inputChannels: 64, outputChannels: 33, filter: 1, activation: .reluN1To1),
        // The indirect GEMM: three input channels (the first layer's), stride 2, every side padded.
        .init(height: 9, width: 11, inputChannels: 3, outputChannels: 16, filter: 3, stride: 2, activation: .relu),
        .init(
            height: 7, width: 13, inputChannels: 3, outputChannels: 9, filter: 3, stride: 2,
            padding: .explicit(top: 2, left: 1, bottom: 0, right: 3), activation: .relu6),
        .init(height: 11, width: 10, inputChannels: 7, outputChannels: 5, filter: 3, dilation: 2),
        .init(height: 10, width: 7, inputChannels: 16, outputChannels: 16, filter: 3, dilation: 3, activation: .relu),
        .init(height: 6, width: 5, inputChannels: 1, outputChannels: 31, filter: 5, padding: .valid),
        .init(height: 1, width: 1, inputChannels: 8, outputChannels: 12, filter: 3),
        .init(height: 4, width: 5, inputChannels: 37, outputChannels: 6, filter: 3, stride: 2),
        // A 1x1 filter with stride 2: through the indirection buffer, not the GEMM.
        .init(height: 9, width: 9, inputChannels: 20, outputChannels: 24, filter: 1, stride: 2),
    ]

    static let depthwise: [Case] = [
        .init(height: 7, width: 13, inputChannels: 13, outputChannels: 13, filter: 3, activation: .relu6),
        .init(height: 9, width: 8, inputChannels: 16, outputChannels: 16, filter: 3, stride: 2, activation: .relu),
        .init(height: 5, width: 6, inputChannels: 37, outputChannels: 37, filter: 3, dilation: 2),
        .init(
            height: 6, width: 7, inputChannels: 24, outputChannels: 24, filter: 3,
            padding: .explicit(top: 0, left: 2, bottom: 1, right: 0)),
        .init(
            height: 12, width: 11, inputChannels: 20, outputChannels: 20, filter: 3, stride: 2,
            padding: .explicit(top: 1, left: 0, bottom: 2, right: 1), activation: .relu),
        .init(height: 1, width: 1, inputChannels: 40, outputChannels: 40, filter: 3),
        .init(height: 2, width: 17, inputChannels: 32, outputChannels: 32, filter: 3, dilation: 2),
        .init(height: 8, width: 9, inputChannels: 5, outputChannels: 5, filter: 5, padding: .valid),
    ]

    static func graph(_ c: Case, depthwise: Bool, quantized: Bool, seed: UInt64) -> Graph {
        var g = TestGraphs(seed: seed)
        let window = Window(
            padding: c.padding, strideHeight: c.stride, strideWidth: c.stride, dilationHeight: c.dilation,
            dilationWidth: c.dilation)
        let geometry = window.geometry(
            inputHeight: c.height, inputWidth: c.width, filterHeight: c.filter, filterWidth: c.filter)!
        let filterShape =
            depthwise
            ? [1, c.filter, c.filter, c.outputChannels] : [c.outputChannels, c.filter, c.filter, c.inputChannels]
        let operation: Engine.Operation =
            depthwise
            ? .depthwiseConv2D(.init(window: window, depthMultiplier: 1, activation: c.activation))
            : .conv2D(.init(window: window, activation: c.activation))
        let outputShape = [1, geometry.outputHeight, geometry.outputWidth, c.outputChannels]
        guard quantized else {
            return TestGraphs.graph(
                operation,
                inputs: [
                    g.float("input", [1, c.height, c.width, c.inputChannels]),
                    g.float("filter", filterShape, constant: true), g.floatBias(c.outputChannels),
                ],
                output: g.float("output", outputShape))
        }
        return TestGraphs.graph(
            operation,
            inputs: [
                g.quantized("input", [1, c.height, c.width, c.inputChannels], scale: 0.02, zeroPoint: 120),
                g.quantized("filter", filterShape, scale: 0.01, zeroPoint: 130, constant: true),
                g.int32("bias", c.outputChannels, range: -3000...3000),
            ],
            output: Tensor(
                name: "output", shape: outputShape, dataType: .uint8,
                quantization: Quantization(scale: 0.05 * Float(c.filter), zeroPoint: 100)))
    }

    /// Float graphs within 1e-4 (relative) of the reference; quantized ones run in float (the COCO model's
    /// --float-convolutions path, the requantizer after the kernel) within 1 LSB, as on OpenBLAS.
    static func expectAgreement(_ c: Case, depthwise: Bool, kernels: CPUBackend.FloatKernels) throws {
        for threads in [1, 2] {
            var backend = CPUBackend(instructionSet: .float)
            backend.floatKernels = kernels
            let floats = graph(c, depthwise: depthwise, quantized: false, seed: 11)
            let (cpu, reference) = try OperationParityTests.run(floats, seed: 12, backend: backend, threads: threads)
            let a = cpu.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let b = reference.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-4, "\(c.testDescription), \(threads) threads: relative difference \(worst)")
            let quantized = graph(c, depthwise: depthwise, quantized: true, seed: 13)
            let (q, r) = try OperationParityTests.run(quantized, seed: 14, backend: backend, threads: threads)
            let comparison = HeadComparison(q, r)
            #expect(comparison.maximumDifference <= 1, "\(c.testDescription), \(threads) threads: \(comparison)")
            #expect(comparison.exact >= 0.97, "\(c.testDescription), \(threads) threads: \(comparison)")
        }
    }

    @Test(
        .enabled(if: FloatKernelISA.avx512.isSupported, "this CPU lacks AVX-512 F: the avx512 kernels are untested"),
        arguments: convolutions)
    func convolutionOnAVX512(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: false, kernels: .variant(.avx512))
    }

    @Test(
        .enabled(if: FloatKernelISA.avx2.isSupported, "this CPU lacks AVX2 and FMA: the avx2 kernels are untested"),
        arguments: convolutions)
    func convolutionOnAVX2(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: false, kernels: .variant(.avx2))
    }

    /// The portable path (im2col and OpenBLAS), as on a CPU with neither variant.
    @Test(arguments: convolutions)
    func convolutionOnOpenBLAS(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: false, kernels: .openBLAS)
    }

    @Test(
        .enabled(if: FloatKernelISA.avx512.isSupported, "this CPU lacks AVX-512 F: the avx512 kernels are untested"),
        arguments: depthwise)
    func depthwiseOnAVX512(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: true, kernels: .variant(.avx512))
    }

    @Test(
        .enabled(if: FloatKernelISA.avx2.isSupported, "this CPU lacks AVX2 and FMA: the avx2 kernels are untested"),
        arguments: depthwise)
    func depthwiseOnAVX2(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: true, kernels: .variant(.avx2))
    }

    @Test(arguments: depthwise)
    func depthwiseInSwift(_ c: Case) throws {
        try Self.expectAgreement(c, depthwise: true, kernels: .openBLAS)
    }

    /// On a quantized model run in float the sums are integers, exact in float whatever their order, so the float
    /// kernels must give OpenBLAS's very bytes (the COCO model's --float-convolutions path).
    @Test func quantizedModelInFloatGivesOpenBLASBytes() throws {
        let network = try GoldenTensors.network()
        var outputs: [[UInt8]] = []
        for kernels in [CPUBackend.FloatKernels.openBLAS, .selected] {
            var backend = CPUBackend(instructionSet: .float)
            backend.floatKernels = kernels
            let model = try backend.prepare(network, options: BackendOptions(threads: 2))
            model.input(0).copyBytes(from: try GoldenTensors.bytes("darknet_dog", "input"))
            try model.run()
            outputs.append(Array(model.output(0)) + Array(model.output(1)))
        }
        #expect(outputs[0] == outputs[1])
    }

    /// SSD_CPU_ISA=avx2 picks the AVX2 variant where the CPU has it; unset, the best one.
    @Test func selection() {
        if FloatKernelISA.avx512.isSupported {
            #expect(FloatKernelISA.selected == .avx512 || FloatKernelISA.selected == .avx2)
        } else if FloatKernelISA.avx2.isSupported {
            #expect(FloatKernelISA.selected == .avx2)
        } else {
            #expect(FloatKernelISA.selected == nil)
        }
        #expect(FloatKernelISA.avx512.panelWidth == 16 && FloatKernelISA.avx2.panelWidth == 8)
    }
}
