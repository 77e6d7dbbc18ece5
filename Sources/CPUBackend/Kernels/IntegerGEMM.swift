import CQuantizedGEMM

/// The 8-bit integer path of a quantized convolution (CQuantizedGEMM, on one of its instruction sets): activations
/// converted to unsigned rows, weights packed once, zero points folded into per-row and per-column terms, so the
/// accumulators equal TFLite's exactly.
struct IntegerGEMM {
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
    /// Shared by all convolutions (they run one at a time): packed rows and row terms, part by part.
    let activations: UnsafeMutableRawPointer
    let rowTerms: UnsafeMutablePointer<Int32>
}
