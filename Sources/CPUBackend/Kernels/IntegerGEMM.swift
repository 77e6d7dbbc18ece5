import CQuantizedGEMM

/// The 8-bit integer path of a quantized convolution (CQuantizedGEMM, on one of its instruction sets): activations
/// converted to unsigned rows, weights packed once, zero points folded into per-row and per-column terms, so the
/// accumulators equal TFLite's exactly.
struct IntegerGEMM {
    /// Convolutions this deep and deeper run on the float kernels. Below it the accumulators of uint8 x uint8
    /// products stay under 2^30 (16,383 x 255 x 255), the bound Kernels.h's requantization proof assumes, and the
    /// C kernels' int offsets (up to 32 bytes per depth) are far from overflow. Real SSDs stay under 5,000; a model
    /// file could declare a filter of tens of millions.
    static let depthBound = 16_384

    let kernel: qgemm_isa
    let packedWeights: UnsafeMutableRawPointer
    /// Per column: its bias - inputZeroPoint * sum of its weights + depth * inputZeroPoint * filterZeroPoint.
    let columnTerms: UnsafeMutablePointer<Int32>
    /// 128 - filterZeroPoint: the row sums' factor (the kernel multiplies by weight - 128).
    let rowSumScale: Int32
    let inputZeroPoint: Float
    /// The window, for a convolution whose patches are gathered (im2col); nil where they are its input as it lies.
    let window: qgemm_window?
    /// Whether the depthwise convolution producing the input packs its rows (DepthwiseConvolution.packedOutput).
    let packedByProducer: Bool
    /// The caller's uint8 input, for a convolution that gathers its patches from those bytes rather than from
    /// stored floats (CPUModel+BytePatches).
    let inputBytes: UnsafePointer<UInt8>?
    /// Shared by all convolutions (they run one at a time): packed rows and row terms, part by part.
    let activations: UnsafeMutableRawPointer
    let rowTerms: UnsafeMutablePointer<Int32>

    /// Output channels per part where a convolution on `kernel` of `rows` output pixels, `columns` channels and
    /// `depth` should split by columns on `threads` threads, else nil (split by rows).
    ///
    /// Split by rows, each thread streams the whole packed filter: the late layers of SSD MobileNet (10 x 10 pixels,
    /// 768 channels; 1.2 MB of 16-bit weights on AVX2) spent the filter's trip from L3 twice, and scaled 1.84x on
    /// 2 threads against 2.0x for the layers whose filter stays in L2. Split by columns, each thread reads its
    /// share of the filter, and all the packed rows and writes part of each output row, which the next kernel then
    /// reads from both threads: worth it where the filter outweighs those, and big enough that the split pays for
    /// a second hand-over (the rows' packing runs first).
    static func columnsPerPart(kernel: qgemm_isa, rows: Int, columns: Int, depth: Int, threads: Int) -> Int? {
        let blocks = (columns + Self.columnBlock - 1) / Self.columnBlock
        let weights = qgemm_packed_weights_size(kernel, Int32(columns), Int32(depth))
        let shared = qgemm_packed_activations_size(kernel, Int32(rows), Int32(depth)) + rows * columns * 4
        guard threads > 1, blocks >= threads, weights >= Self.smallestSplitFilter, weights > shared else { return nil }
        return (blocks + threads - 1) / threads * Self.columnBlock
    }

    /// The kernels' column block: a column range starting on one starts on a packed weight block.
    static let columnBlock = 16

    /// Packed filters smaller than this stay whole: their trip from L3 costs less than a hand-over between threads.
    static let smallestSplitFilter = 128 * 1024
}

extension IntegerGEMM {
    /// Bytes of one packed row of `depth` values.
    func packedRowBytes(depth: Int) -> Int { qgemm_packed_activations_size(kernel, 1, Int32(depth)) }

    /// Packs rows `rows` of the convolution's patches (`depth` values each) as unsigned values: gathered straight
    /// from `input` (stored values) where the patches are not the input itself, from the caller's bytes where it
    /// is a uint8 graph input, converted from `input` where they are; nothing where the depthwise convolution
    /// before packed them.
    func pack(rows: Range<Int>, depth: Int, input: UnsafeMutablePointer<Float>) {
        let (first, count) = (Int32(rows.lowerBound), Int32(rows.count))
        let packed = activations + qgemm_packed_activations_size(kernel, first, Int32(depth))
        let rowTerms = rowTerms + rows.lowerBound
        if let window, let inputBytes {
            qgemm_pack_patches_u8(
                kernel, window, first, count, inputBytes, Int32(inputZeroPoint), packed, rowSumScale, rowTerms)
        } else if let window {
            qgemm_pack_patches(kernel, window, first, count, input, inputZeroPoint, packed, rowSumScale, rowTerms)
        } else if !packedByProducer {
            qgemm_pack_activations(
                kernel, count, Int32(depth), input + rows.lowerBound * depth, Int32(depth), inputZeroPoint, packed,
                rowSumScale, rowTerms)
        }
    }

    /// The GEMM of packed rows `rows` with output channels `columns` (starting on a column block, `columnBlock`),
    /// requantized into `output`, a tensor of `channels` channels (stored values).
    func multiply(
        rows: Range<Int>, columns: Range<Int>, depth: Int, requantization: qgemm_requantization,
        output: UnsafeMutablePointer<Float>, channels: Int
    ) {
        // The size of the rows and blocks before the first is where it starts.
        qgemm_multiply(
            kernel, Int32(rows.count), Int32(columns.count), Int32(depth),
            activations + qgemm_packed_activations_size(kernel, Int32(rows.lowerBound), Int32(depth)),
            packedWeights + qgemm_packed_weights_size(kernel, Int32(columns.lowerBound), Int32(depth)),
            rowTerms + rows.lowerBound, columnTerms + columns.lowerBound, requantization,
            output + rows.lowerBound * channels + columns.lowerBound, Int32(channels))
    }
}
