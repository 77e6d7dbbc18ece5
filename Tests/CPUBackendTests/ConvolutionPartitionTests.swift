@testable import CPUBackend
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
}
