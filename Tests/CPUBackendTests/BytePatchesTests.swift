@testable import CPUBackend
import CQuantizedGEMM
import Engine
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Patches gathered straight from the caller's uint8 input (`qgemm_pack_patches_u8`, CPUModel+BytePatches): byte
/// for byte the rows and row terms of the float im2col on the same values, and used only where nothing else reads
/// the input.
struct BytePatchesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var channels: Int, filter: Int, stride: Int, dilation: Int, pad: Int
        var testDescription: String { "\(filter)x\(filter)x\(channels) s\(stride) d\(dilation) pad \(pad)" }
    }

    /// Window rows of 1 to 45 bytes (every copy size: bytes, 4-, 8- and 16-byte moves, 16 then 2 bytes), padding on
    /// every side, strides, dilation, a window taller than the image, and depths past the 4-depth padding.
    static let cases: [Case] = [
        .init(channels: 1, filter: 3, stride: 1, dilation: 1, pad: 1),
        .init(channels: 3, filter: 3, stride: 2, dilation: 1, pad: 1),
        .init(channels: 3, filter: 7, stride: 2, dilation: 1, pad: 3),
        .init(channels: 4, filter: 2, stride: 1, dilation: 1, pad: 0),
        .init(channels: 5, filter: 3, stride: 1, dilation: 2, pad: 2),
        .init(channels: 2, filter: 5, stride: 3, dilation: 1, pad: 4),
        .init(channels: 9, filter: 5, stride: 1, dilation: 1, pad: 2),
        .init(channels: 16, filter: 1, stride: 2, dilation: 1, pad: 0),
        .init(channels: 7, filter: 1, stride: 2, dilation: 1, pad: 0),
        .init(channels: 2, filter: 9, stride: 1, dilation: 1, pad: 4),
    ]

    @Test(arguments: cases, InstructionSets.supported)
    func bytePatchesAreTheFloatPatchesBytes(_ c: Case, _ instructionSet: CPUInstructionSet) {
        let kernel = instructionSet.kernel!
        var random = SplitMix64(seed: UInt64(c.channels * 31 + c.filter))
        let (batches, height, width) = (2, 7, 11)
        let zeroPoint = Int32(random.next() % 256)
        let bytes = (0..<(batches * height * width * c.channels)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let stored = bytes.map { Float(Int32($0) - zeroPoint) }
        let span = (c.filter - 1) * c.dilation + 1
        let (outputHeight, outputWidth) = (
            (height + 2 * c.pad - span) / c.stride + 1, (width + 2 * c.pad - span) / c.stride + 1
        )
        let window = qgemm_window(
            height: Int32(height), width: Int32(width), channels: Int32(c.channels), filterHeight: Int32(c.filter),
            filterWidth: Int32(c.filter), strideY: Int32(c.stride), strideX: Int32(c.stride),
            dilationY: Int32(c.dilation), dilationX: Int32(c.dilation), padTop: Int32(c.pad), padLeft: Int32(c.pad),
            outputHeight: Int32(outputHeight), outputWidth: Int32(outputWidth))
        let depth = c.filter * c.filter * c.channels
        // Rows from the middle of the first image to the end of the second: a part as a worker thread packs it.
        let rows = batches * outputHeight * outputWidth, first = outputHeight * outputWidth / 2
        let count = rows - first
        let size = qgemm_packed_activations_size(kernel, Int32(count), Int32(depth))
        // A canary past the rows: the last row of a part must not run into the next part's.
        var expected = [UInt8](repeating: 0xA5, count: size + 64), packed = expected
        var expectedTerms = [Int32](repeating: -1, count: count + 1), terms = expectedTerms
        qgemm_pack_patches(
            kernel, window, Int32(first), Int32(count), stored, Float(zeroPoint), &expected, 7, &expectedTerms)
        // The input ends where a page nothing may touch begins: a read past it would fault, not pass unseen.
        Self.withBytesBeforeAGuardPage(bytes) { input in
            qgemm_pack_patches_u8(kernel, window, Int32(first), Int32(count), input, zeroPoint, &packed, 7, &terms)
        }
        #expect(packed == expected)
        #expect(terms == expectedTerms)
    }

    /// `bytes` copied to end right where an inaccessible page starts.
    static func withBytesBeforeAGuardPage(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>) -> Void) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let span = (bytes.count + page - 1) / page * page
        guard let region = mmap(nil, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            region != MAP_FAILED
        else {
            Issue.record("mmap failed")
            return
        }
        defer { munmap(region, span + page) }
        #expect(mprotect(region + span, page, PROT_NONE) == 0)
        let start = (region + span - bytes.count).assumingMemoryBound(to: UInt8.self)
        start.update(from: bytes, count: bytes.count)
        body(start)
    }

    /// An image model's first layer gathers from the caller's bytes (no float copy of the input), bit-exact with the
    /// reference; with a second reader of the input, or the input also an output, it is converted as before.
    @Test(arguments: InstructionSets.supported)
    func onlyAnInputReadByPatchGatheringConvolutionsStaysBytes(_ instructionSet: CPUInstructionSet) throws {
        var g = TestGraphs(seed: 81)
        let input = g.quantized("input", [2, 9, 12, 3], scale: 0.02, zeroPoint: 117)
        let filter = g.quantized("filter", [8, 3, 3, 3], scale: 0.01, zeroPoint: 131, constant: true)
        let bias = g.int32("bias", 8, range: -2000...2000)
        let output = Tensor(
            name: "output", shape: [2, 5, 6, 8], dataType: .uint8, quantization: Quantization(scale: 0.05, zeroPoint: 9)
        )
        let convolution = Operation.conv2D(
            .init(window: Window(padding: .same, strideHeight: 2, strideWidth: 2), activation: .relu6))
        let alone = TestGraphs.graph(convolution, inputs: [input, filter, bias], output: output)
        var alsoRectified = alone
        alsoRectified.tensors.append(
            Tensor(name: "rectified", shape: input.shape, dataType: .uint8, quantization: input.quantization))
        alsoRectified.nodes.append(Node(operation: .relu, inputs: [0], outputs: [4]))
        alsoRectified.outputs.append(4)
        var alsoAnOutput = alone
        alsoAnOutput.outputs.append(0)
        for (graph, gathered) in [(alone, true), (alsoRectified, false), (alsoAnOutput, false)] {
            let model = try TestGraphs.cpuModel(graph, instructionSet)
            #expect(model.inputsGatheredAsBytes() == (gathered ? [0] : []))
            for threads in [1, 2] {
                let (cpu, reference) = try OperationParityTests.run(
                    graph, seed: 82, backend: CPUBackend(instructionSet: instructionSet), threads: threads)
                #expect(cpu == reference, "\(threads) threads")
            }
        }
    }

    /// The deepest window gathered as bytes is QGEMM_BYTE_PATCH_DEPTH_BOUND (3 x 3 x 455 = 4,095 is, 3 x 3 x 456 =
    /// 4,104 is not), and a 1x1 convolution reads its rows as they lie, gathering nothing.
    @Test(arguments: [(455, 3, true), (456, 3, false), (5, 1, false)])
    func onlyShallowWindowsAreGathered(channels: Int, filter: Int, gathered: Bool) throws {
        var g = TestGraphs(seed: 83)
        let graph = TestGraphs.graph(
            .conv2D(.init(window: Window(padding: .valid, strideHeight: 1, strideWidth: 1), activation: .none)),
            inputs: [
                g.quantized("input", [1, 4, 4, channels], scale: 0.02, zeroPoint: 117),
                g.quantized("filter", [2, filter, filter, channels], scale: 0.01, zeroPoint: 131, constant: true),
                g.int32("bias", 2, range: -2000...2000),
            ],
            output: Tensor(
                name: "output", shape: [1, 5 - filter, 5 - filter, 2], dataType: .uint8,
                quantization: Quantization(scale: 0.5, zeroPoint: 9)))
        for instructionSet in InstructionSets.supported {
            let model = try TestGraphs.cpuModel(graph, instructionSet)
            #expect(model.inputsGatheredAsBytes() == (gathered ? [0] : []), "\(instructionSet)")
            let (cpu, reference) = try OperationParityTests.run(
                graph, seed: 84, backend: CPUBackend(instructionSet: instructionSet))
            #expect(cpu == reference, "\(instructionSet)")
        }
    }

    /// SSD MobileNet's input is gathered as bytes by its first convolution; the golden tests check the heads.
    @Test(arguments: InstructionSets.supported)
    func theModelsInputIsGatheredAsBytes(_ instructionSet: CPUInstructionSet) throws {
        let network = try GoldenTensors.network()
        let model = try TestGraphs.cpuModel(network, instructionSet)
        #expect(model.inputsGatheredAsBytes() == Set(network.inputs))
    }
}
