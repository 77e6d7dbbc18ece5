import ImageIO

/// Resizes RGB8 images to one fixed size with Pillow's `resize(size, BILINEAR)` arithmetic: antialiased when
/// reducing, separable, horizontal pass first, 8-bit rounding between the passes. Same input, same bytes.
///
/// Filter taps are cached for the last source size and buffers are kept, so resizing images of one size
/// allocates nothing after the first call. Not thread-safe: give each worker its own.
public final class BilinearResizer {
    /// The output size.
    public let outputSize: ImageSize
    private var horizontal: ResampleAxis?
    private var vertical: ResampleAxis?
    private var intermediate: [UInt8] = []
    private var accumulator: [Int32]

    /// A resizer to `outputSize`.
    public init(outputSize: ImageSize) {
        precondition(outputSize.width > 0 && outputSize.height > 0, "output size must be positive")
        self.outputSize = outputSize
        accumulator = [Int32](repeating: 0, count: outputSize.width * 3)
    }

    /// Resizes `image` into `output`, which must hold `outputSize.width * outputSize.height * 3` bytes.
    public func resize(_ image: RGBImage, into output: UnsafeMutableBufferPointer<UInt8>) {
        let (outW, outH) = (outputSize.width, outputSize.height)
        precondition(output.count >= outW * outH * 3, "output buffer too small")
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        if horizontal?.inputSize != image.width { horizontal = ResampleAxis(inputSize: image.width, outputSize: outW) }
        if vertical?.inputSize != image.height { vertical = ResampleAxis(inputSize: image.height, outputSize: outH) }
        let horizontal = horizontal!
        let vertical = vertical!
        let needsHorizontal = image.width != outW
        let needsVertical = image.height != outH

        image.pixels.withUnsafeBufferPointer { source in
            switch (needsHorizontal, needsVertical) {
            case (false, false):
                _ = output.update(fromContentsOf: source)
            case (true, false):
                Self.resampleRows(source, width: image.width, rows: 0..<image.height, axis: horizontal, into: output)
            case (false, true):
                accumulator.withUnsafeMutableBufferPointer { acc in
                    Self.resampleColumns(source, rowOffset: 0, axis: vertical, accumulator: acc, into: output)
                }
            case (true, true):
                // Only the rows the vertical pass reads are resampled horizontally.
                let rows = vertical.span
                let needed = rows.count * outW * 3
                if intermediate.count < needed { intermediate = [UInt8](repeating: 0, count: needed) }
                intermediate.withUnsafeMutableBufferPointer { temp in
                    accumulator.withUnsafeMutableBufferPointer { acc in
                        Self.resampleRows(source, width: image.width, rows: rows, axis: horizontal, into: temp)
                        Self.resampleColumns(
                            UnsafeBufferPointer(temp), rowOffset: rows.lowerBound, axis: vertical, accumulator: acc,
                            into: output)
                    }
                }
            }
        }
    }

    /// Horizontal pass: each of `rows` of a `width`-wide image becomes one `axis.outputSize`-wide row.
    private static func resampleRows(
        _ source: UnsafeBufferPointer<UInt8>, width: Int, rows: Range<Int>, axis: ResampleAxis,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        let outW = axis.outputSize
        let half: Int32 = 1 << (ResampleAxis.precisionBits - 1)
        for y in rows {
            let src = source.baseAddress! + y * width * 3
            let dst = output.baseAddress! + (y - rows.lowerBound) * outW * 3
            for x in 0..<outW {
                let k = axis.weights + x * axis.taps
                var p = src + Int(axis.first[x]) * 3
                var r = half
                var g = half
                var b = half
                for t in 0..<Int(axis.count[x]) {
                    let w = k[t]
                    r &+= Int32(p[0]) &* w
                    g &+= Int32(p[1]) &* w
                    b &+= Int32(p[2]) &* w
                    p += 3
                }
                dst[3 * x] = clip8(r)
                dst[3 * x + 1] = clip8(g)
                dst[3 * x + 2] = clip8(b)
            }
        }
    }

    /// Vertical pass over rows as wide as `accumulator` holds values; `source` row 0 is image row `rowOffset`.
    private static func resampleColumns(
        _ source: UnsafeBufferPointer<UInt8>, rowOffset: Int, axis: ResampleAxis,
        accumulator acc: UnsafeMutableBufferPointer<Int32>, into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        let rowBytes = acc.count
        let half: Int32 = 1 << (ResampleAxis.precisionBits - 1)
        // Accumulate whole rows at a time so the inner loop runs along memory.
        for y in 0..<axis.outputSize {
            acc.update(repeating: half)
            let k = axis.weights + y * axis.taps
            let firstRow = Int(axis.first[y]) - rowOffset
            for t in 0..<Int(axis.count[y]) {
                let w = k[t]
                let src = source.baseAddress! + (firstRow + t) * rowBytes
                for i in 0..<rowBytes { acc[i] &+= Int32(src[i]) &* w }
            }
            let dst = output.baseAddress! + y * rowBytes
            for i in 0..<rowBytes { dst[i] = clip8(acc[i]) }
        }
    }
}

/// A fixed-point accumulator back to a byte, rounding already added: Pillow's `clip8`.
@inline(__always)
private func clip8(_ value: Int32) -> UInt8 {
    let v = value >> ResampleAxis.precisionBits
    return v < 0 ? 0 : v > 255 ? 255 : UInt8(truncatingIfNeeded: v)
}
