import CFloatKernels

/// A float convolution (or depthwise convolution) planned for CFloatKernels: its packed weights, its indirection
/// buffer, and its output stage where that is a plain bias and clamp (fused into the kernel's stores).
struct FloatKernelPlan {
    let isa: FloatKernelISA
    /// Panels of output channels, bias first (fk_pack, fk_pack_depthwise).
    let weights: UnsafeMutablePointer<Float>
    /// Per output pixel, `taps` input pointers, grouped by register tile (IndirectionBuffer); nil for a 1x1
    /// stride-1 convolution, whose input rows are the GEMM's, and for a depthwise one, which reads its input
    /// directly through `window`.
    let indirection: UnsafeMutablePointer<UnsafePointer<Float>?>?
    /// A depthwise convolution's window over one image.
    var window = fk_depthwise_window()
    let taps: Int
    /// The fused clamp (the whole float line where the requantizer runs after the kernel).
    let low: Float, high: Float
    /// Whether the bias and clamp are the whole output stage; if not, the requantizer still runs on the results.
    let fusesOutputStage: Bool

    /// Output pixels [first, first + count) of a convolution over `input` (NHWC, `inputChannels` per pixel);
    /// `first` a multiple of the ISA's tile rows where there is an indirection buffer.
    func convolve(
        first: Int, count: Int, input: UnsafePointer<Float>, inputChannels: Int, output: UnsafeMutablePointer<Float>,
        channels: Int
    ) {
        if let indirection {
            fk_convolution(
                isa.rawValue, Int32(count), Int32(channels), Int32(taps), Int32(inputChannels),
                indirection + first * taps, weights, low, high, output + first * channels, Int32(channels))
        } else {
            fk_gemm(
                isa.rawValue, Int32(count), Int32(channels), Int32(inputChannels), input + first * inputChannels,
                Int32(inputChannels), weights, low, high, output + first * channels, Int32(channels))
        }
    }

    /// Output rows [first, first + count) of a depthwise convolution, counted across the batch.
    func depthwise(first: Int, count: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let (inputImage, outputHeight) = (
            Int(window.inputHeight * window.inputWidth * window.channels), Int(window.outputHeight)
        )
        let outputImage = outputHeight * Int(window.outputWidth * window.channels)
        var line = first
        var window = window
        while line < first + count {
            // One image at a time: the kernel's rows are one image's.
            let (image, row) = (line / outputHeight, line % outputHeight)
            let rows = min(first + count - line, outputHeight - row)
            fk_depthwise(
                isa.rawValue, &window, input + image * inputImage, Int32(row), Int32(rows), weights, low, high,
                output + image * outputImage)
            line += rows
        }
    }
}
