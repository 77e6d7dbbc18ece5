@testable import CPUBackend
import CQuantizedGEMM
import Engine
import Testing

/// How an 8-bit convolution's output splits between threads: by rows of pixels, or by output channels where the
/// packed filter outweighs the packed rows and the output (IntegerGEMM.columnsPerPart).
struct ConvolutionPartitionTests {
    static func columns(_ isa: CPUInstructionSet, rows: Int, columns: Int, depth: Int, threads: Int = 2) -> Int? {
        IntegerGEMM.columnsPerPart(kernel: isa.kernel!, rows: rows, columns: columns, depth: depth, threads: threads)
    }

    /// SSD MobileNet's 10 x 10 layers (768 channels deep and wide) and its 3 x 3 window (96 channels deep) on 3 x 3
    /// pixels: each thread takes half the channels, whole column blocks.
    @Test(arguments: InstructionSets.supported)
    func smallLayersWithLargeFiltersSplitByColumns(_ isa: CPUInstructionSet) {
        #expect(Self.columns(isa, rows: 100, columns: 768, depth: 768) == 384)
        #expect(Self.columns(isa, rows: 9, columns: 192, depth: 3 * 3 * 96) == 96)
        #expect(Self.columns(isa, rows: 100, columns: 546, depth: 768, threads: 3) == 192)
    }

    /// The shapes OperationParityTests and DepthwisePackingTests check bit-exact on the column split: they must take
    /// it, on 2 threads and on 3.
    @Test(arguments: InstructionSets.supported)
    func theParityCasesSplitByColumns(_ isa: CPUInstructionSet) {
        #expect(Self.columns(isa, rows: 2 * 3, columns: 500, depth: 320) == 256)
        #expect(Self.columns(isa, rows: 4 * 5, columns: 330, depth: 3 * 3 * 64) == 176)
        #expect(Self.columns(isa, rows: 4 * 7, columns: 520, depth: 256) == 272)
        #expect(Self.columns(isa, rows: 2 * 3, columns: 500, depth: 320, threads: 3) == 176)
        #expect(Self.columns(isa, rows: 4 * 7, columns: 520, depth: 256, threads: 3) == 176)
    }

    /// Large images, filters that fit the cache, one thread, and fewer column blocks than threads stay on rows.
    @Test(arguments: InstructionSets.supported)
    func otherLayersSplitByRows(_ isa: CPUInstructionSet) {
        #expect(Self.columns(isa, rows: 150 * 150, columns: 48, depth: 24) == nil)
        #expect(Self.columns(isa, rows: 19 * 19, columns: 384, depth: 384) == nil)
        #expect(Self.columns(isa, rows: 100, columns: 768, depth: 768, threads: 1) == nil)
        #expect(Self.columns(isa, rows: 1, columns: 24, depth: 96) == nil)
        #expect(Self.columns(isa, rows: 1, columns: 16, depth: 8192) == nil)
    }

    /// A quantized 3 x 3 convolution of `height` x `width` output pixels, 16 -> `channels`, planned on `threads`.
    static func planned(_ isa: CPUInstructionSet, height: Int, width: Int, channels: Int = 24, threads: Int) throws
        -> Convolution
    {
        var g = TestGraphs(seed: 3)
        let input = g.quantized("input", [1, height, width, 16], scale: 0.02, zeroPoint: 120)
        let filter = g.quantized("filter", [channels, 3, 3, 16], scale: 0.01, zeroPoint: 130, constant: true)
        let output = Tensor(
            name: "output", shape: [1, height, width, channels], dataType: .uint8,
            quantization: Quantization(scale: 0.15, zeroPoint: 100))
        let graph = TestGraphs.graph(
            .conv2D(.init(window: Window(padding: .same, strideHeight: 1, strideWidth: 1), activation: .none)),
            inputs: [input, filter, g.int32("bias", channels, range: -3000...3000)], output: output)
        let model = try #require(
            try CPUBackend(instructionSet: isa).prepare(graph, options: BackendOptions(threads: threads)) as? CPUModel)
        return try #require(model.kernels.compactMap { $0 as? Convolution }.first)
    }

    /// Split over threads, an 8-bit convolution's row parts are single register tiles, so that a thread's share
    /// can be any number of tiles (ThreadShares); a range runs in calls of the cache-sized rows rowPartition chose,
    /// in whole tiles. On one thread, and where rowPartition keeps one part, the parts are rowPartition's.
    @Test(arguments: InstructionSets.supported)
    func rowPartsAreSingleTilesWhenSplit(_ isa: CPUInstructionSet) throws {
        let tile = Int(qgemm_tile_rows(isa.kernel!))
        let split = try Self.planned(isa, height: 60, width: 60, threads: 2)
        #expect(split.rowsPerPart == tile && split.parts == (3600 + tile - 1) / tile)
        #expect(split.rowsPerCall % tile == 0 && split.rowsPerCall > tile, "\(split.rowsPerCall) rows a call")
        let alone = try Self.planned(isa, height: 60, width: 60, threads: 1)
        let partition = rowPartition(rows: 3600, bytesPerRow: 24 * 4, threads: 1, repackedRows: 144)
        #expect(alone.parts == partition.parts && alone.rowsPerPart == partition.rowsPerPart)
        #expect(alone.rowsPerCall == alone.rowsPerPart)
        // Too few rows for two passes over the filter: one part, as rowPartition says.
        let small = try Self.planned(isa, height: 2, width: 3, threads: 2)
        #expect(small.parts == 1)
    }
}
