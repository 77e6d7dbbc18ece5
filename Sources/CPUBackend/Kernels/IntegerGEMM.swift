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
}
