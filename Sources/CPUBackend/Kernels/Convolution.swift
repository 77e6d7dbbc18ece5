import COpenBLAS
import CQuantizedGEMM
import Engine

/// CONV_2D as a GEMM: output[pixels, Cout] = patches[pixels, K] * filter[Cout, K]^T, K = KH*KW*Cin, then
/// the requantization. In float on CFloatKernels' indirect GEMM, which reads the patches through pointers and
/// fuses a float output stage into its stores; in 8-bit integers where the CPU allows; as OpenBLAS SGEMM where it
/// has neither kernel. A 1x1 stride-1 convolution's patches are its input as it lies (NHWC); on the last two paths
/// any other gathers its patches first (im2col) into a scratch buffer, with zeros (the zero point) where the
/// window leaves the input.
///
/// Parts are ranges of output pixels (rows), each multiplied by the whole filter; on the 8-bit kernel a
/// convolution whose packed filter outweighs its packed rows and its output splits by output channels instead
/// (`columnsPerPart`), so that each thread reads its share of the filter rather than all of it. On the 8-bit kernel
/// with more than one thread, parts are single register tiles of rows (a few for images of millions of pixels) or
/// of columns, so that the pool can size each thread's range to its speed (`ThreadShares`); a range runs as one
/// GEMM call, or for rows, one per `rowsPerCall`.
final class Convolution: CPUKernel, PartitionedKernel {
    let input: StoredTensor
    let output: StoredTensor
    let arithmetic: Arithmetic
    /// im2col buffer, nil for 1x1 stride-1 convolutions and on the 8-bit path (which gathers into its packed rows).
    let patches: UnsafeMutablePointer<Float>?
    let window: Window
    let geometry: WindowGeometry
    let filterHeight: Int, filterWidth: Int
    let requantizer: Requantizer
    let parts: Int
    /// Output pixels per part; all of them where parts are column ranges.
    let rowsPerPart: Int
    /// Output pixels that `run(parts:)` packs and multiplies at a time: as many as fit the cache (rowPartition),
    /// where parts are rows of the 8-bit kernel.
    let rowsPerCall: Int
    /// Output channels per part, a multiple of the 8-bit kernel's column block; all of them where parts are row
    /// ranges.
    let columnsPerPart: Int
    /// Where parts are column ranges of a convolution whose rows need packing: that packing, by row ranges, run
    /// before them.
    private let rowPacking: RowPacking?

    /// How the products are computed.
    enum Arithmetic {
        /// OpenBLAS SGEMM with the filter as [Cout, K] row-major stored values (filter - zero point).
        case float(filter: UnsafeMutablePointer<Float>)
        /// The 8-bit kernel, for quantized convolutions on CPUs that have it.
        case integer(IntegerGEMM)
        /// CFloatKernels, with the filter packed (and the bias too where the output stage is fused).
        case packed(FloatKernelPlan)
    }

    init(
        input: StoredTensor, output: StoredTensor, arithmetic: Arithmetic, patches: UnsafeMutablePointer<Float>?,
        window: Window, geometry: WindowGeometry, filterHeight: Int, filterWidth: Int, requantizer: Requantizer,
        threads: Int
    ) {
        self.input = input
        self.output = output
        self.arithmetic = arithmetic
        self.patches = patches
        self.window = window
        self.geometry = geometry
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.requantizer = requantizer
        let rows = output.shape[0] * output.shape[1] * output.shape[2]
        let (channels, depth) = (output.shape[3], filterHeight * filterWidth * input.shape[3])
        if case .integer(let integer) = arithmetic,
            let columns = IntegerGEMM.columnsPerPart(
                kernel: integer.kernel, rows: rows, columns: channels, depth: depth, threads: threads)
        {
            // Whole tiles, the kernel's widest that the split allows.
            let tile = min(Int(qgemm_tile_columns(integer.kernel)), columns)
            (parts, rowsPerPart, rowsPerCall, columnsPerPart) = ((channels + tile - 1) / tile, rows, rows, tile)
            // Nothing to pack where the depthwise convolution before writes the packed rows.
            rowPacking =
                !integer.packedByProducer
                ? RowPacking(integer: integer, input: input.pointer, depth: depth, rows: rows, threads: threads) : nil
            return
        }
        (columnsPerPart, rowPacking) = (channels, nil)
        guard case .packed(let plan) = arithmetic else {
            let partition = rowPartition(rows: rows, bytesPerRow: channels * 4, threads: threads, repackedRows: depth)
            // Fewer parts than threads stay as they are: a single part has too few rows to pay for a second pass over
            // the filter.
            guard case .integer(let integer) = arithmetic, threads > 1, partition.parts >= threads else {
                (parts, rowsPerPart, rowsPerCall) = (partition.parts, partition.rowsPerPart, partition.rowsPerPart)
                return
            }
            // Whole tiles, at most finestParts of them (an image of millions of pixels takes several tiles a part).
            let tile = Int(qgemm_tile_rows(integer.kernel))
            rowsPerPart = (rows + tile * Self.finestParts - 1) / (tile * Self.finestParts) * tile
            parts = (rows + rowsPerPart - 1) / rowsPerPart
            rowsPerCall = (partition.rowsPerPart + rowsPerPart - 1) / rowsPerPart * rowsPerPart
            return
        }
        // Packed once, at planning; parts start on a register tile (the indirection buffer is grouped by tiles).
        let partition = rowPartition(rows: rows, bytesPerRow: channels * 4, threads: threads)
        let tile = plan.isa.tileRows
        rowsPerPart = (partition.rowsPerPart + tile - 1) / tile * tile
        rowsPerCall = rowsPerPart
        parts = (rows + rowsPerPart - 1) / rowsPerPart
    }

    /// A column split's packing first, when it has one, then the parts.
    func run(on pool: WorkerPool) {
        if let rowPacking { pool.run(rowPacking) }
        pool.run(self)
    }

    /// The most parts an 8-bit convolution's rows split into.
    static let finestParts = 1 << 16

    /// Whether the input itself is the patch matrix.
    static func isPointwise(window: Window, filterHeight: Int, filterWidth: Int) -> Bool {
        filterHeight == 1 && filterWidth == 1 && window.strideHeight == 1 && window.strideWidth == 1
    }

    /// Scratch floats an im2col of this convolution needs.
    static func patchCount(output: [Int], filterHeight: Int, filterWidth: Int, inputChannels: Int) -> Int {
        output[0] * output[1] * output[2] * filterHeight * filterWidth * inputChannels
    }

    /// Whether parts are ranges of output channels (every row) rather than ranges of rows (every channel).
    var splitsByColumns: Bool { columnsPerPart < output.shape[3] }

    /// Parts `parts` of the output: on the 8-bit kernel in one call (column ranges) or one per `rowsPerCall`.
    func run(parts: Range<Int>) {
        guard case .integer(let integer) = arithmetic else {
            for part in parts { run(part: part) }
            return
        }
        runIntegers(parts: parts, integer)
    }

    /// Part `part` of the output: its patches, its GEMM, its requantization.
    func run(part: Int) {
        switch arithmetic {
        case .integer(let integer): runIntegers(parts: part..<(part + 1), integer)
        case .packed(let plan): runPacked(part: part, plan)
        case .float(let filter): runFloat(part: part, filter: filter)
        }
    }

    /// On CFloatKernels: the patches read through the plan's indirection buffer, the output stage fused where it
    /// can be.
    private func runPacked(part: Int, _ plan: FloatKernelPlan) {
        let rows = output.shape[0] * output.shape[1] * output.shape[2]
        let channels = output.shape[3]
        let first = part * rowsPerPart
        let count = min(rowsPerPart, rows - first)
        plan.convolve(
            first: first, count: count, input: input.pointer, inputChannels: input.shape[3],
            output: output.pointer, channels: channels)
        if !plan.fusesOutputStage { requantizer.apply(output.pointer + first * channels, rows: count) }
    }

    /// On OpenBLAS SGEMM: the patches gathered in float (im2col), then the SGEMM, then the requantization.
    private func runFloat(part: Int, filter: UnsafeMutablePointer<Float>) {
        let depth = filterHeight * filterWidth * input.shape[3]
        let rows = output.shape[0] * output.shape[1] * output.shape[2]
        let channels = output.shape[3]
        let first = part * rowsPerPart
        let count = min(rowsPerPart, rows - first)
        let a: UnsafeMutablePointer<Float>
        if let patches {
            a = patches + first * depth
            gatherPatches(rows: first..<(first + count), into: a)
        } else {
            a = input.pointer + first * depth
        }
        let c = output.pointer + first * channels
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(channels), Int32(depth), 1, a,
            Int32(depth), filter, Int32(depth), 0, c, Int32(channels))
        requantizer.apply(c, rows: count)
    }

    private func gatherPatches(rows: Range<Int>, into patches: UnsafeMutablePointer<Float>) {
        let (height, width, channels) = (input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        var destination = patches
        for row in rows {
            let x = row % outputWidth, y = (row / outputWidth) % outputHeight, b = row / (outputWidth * outputHeight)
            for ky in 0..<filterHeight {
                let iy = y * window.strideHeight - geometry.padTop + ky * window.dilationHeight
                for kx in 0..<filterWidth {
                    let ix = x * window.strideWidth - geometry.padLeft + kx * window.dilationWidth
                    if iy >= 0, iy < height, ix >= 0, ix < width {
                        destination.update(
                            from: input.pointer + ((b * height + iy) * width + ix) * channels,
                            count: channels)
                    } else {
                        destination.update(repeating: 0, count: channels)
                    }
                    destination += channels
                }
            }
        }
    }
}
