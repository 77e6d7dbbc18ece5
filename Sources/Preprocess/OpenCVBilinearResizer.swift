import ImageIO

/// Resizes RGB8 images to one fixed size with OpenCV's `cv2.resize(img, (W, H))` arithmetic (INTER_LINEAR, the
/// default): half-pixel centers, two taps per axis whatever the scale (no antialiasing), 11-bit fixed-point
/// weights, horizontal pass first. Same input, same bytes as OpenCV 5.0, including its special cases: an equal
/// size is a copy, and an exact 2x reduction in both axes is the mean of each 2x2 block (cv2 switches to
/// INTER_AREA there).
///
/// Coefficients are cached for the last source size and buffers are kept, so resizing images of one size
/// allocates nothing after the first call. Not thread-safe: give each worker its own.
public final class OpenCVBilinearResizer {
    /// The output size.
    public let outputSize: ImageSize
    private var horizontal: OpenCVLinearAxis?
    private var vertical: OpenCVLinearAxis?
    /// Two horizontally resampled source rows, each `outputSize.width * 3` values (consecutive output rows share
    /// them when enlarging).
    private var rows: [UInt16]

    /// A resizer to `outputSize`.
    public init(outputSize: ImageSize) {
        precondition(outputSize.width > 0 && outputSize.height > 0, "output size must be positive")
        self.outputSize = outputSize
        rows = [UInt16](repeating: 0, count: 2 * outputSize.width * 3)
    }

    /// Resizes `image` into `output`, which must hold `outputSize.width * outputSize.height * 3` bytes.
    public func resize(_ image: RGBImage, into output: UnsafeMutableBufferPointer<UInt8>) {
        let (outW, outH) = (outputSize.width, outputSize.height)
        precondition(output.count >= outW * outH * 3, "output buffer too small")
        precondition(image.width > 0 && image.height > 0, "cannot resize an empty image")
        image.pixels.withUnsafeBufferPointer { source in
            if image.width == outW && image.height == outH {
                _ = output.update(fromContentsOf: source)
            } else if image.width == 2 * outW && image.height == 2 * outH {
                Self.halve(source.baseAddress!, width: image.width, into: output.baseAddress!, outputSize)
            } else {
                interpolate(source.baseAddress!, width: image.width, height: image.height, into: output.baseAddress!)
            }
        }
    }

    /// OpenCV's INTER_AREA for exactly half the size in both axes: each output is its 2x2 block's rounded mean.
    private static func halve(
        _ source: UnsafePointer<UInt8>, width: Int, into output: UnsafeMutablePointer<UInt8>, _ size: ImageSize
    ) {
        let rowBytes = size.width * 3
        for y in 0..<size.height {
            let top = source + 2 * y * width * 3
            let bottom = top + width * 3
            let dst = output + y * rowBytes
            for x in 0..<size.width {
                for c in 0..<3 {
                    let i = 6 &* x &+ c
                    let sum = UInt16(top[i]) &+ UInt16(top[i &+ 3]) &+ UInt16(bottom[i]) &+ UInt16(bottom[i &+ 3])
                    dst[3 &* x &+ c] = UInt8(truncatingIfNeeded: (sum &+ 2) &>> 2)
                }
            }
        }
    }

    /// The general case: each output row mixes two horizontally resampled source rows.
    private func interpolate(
        _ source: UnsafePointer<UInt8>, width: Int, height: Int, into output: UnsafeMutablePointer<UInt8>
    ) {
        let outW = outputSize.width
        if horizontal?.inputSize != width {
            horizontal = OpenCVLinearAxis(inputSize: width, outputSize: outW, direction: .horizontal)
        }
        if vertical?.inputSize != height {
            vertical = OpenCVLinearAxis(inputSize: height, outputSize: outputSize.height, direction: .vertical)
        }
        let horizontal = horizontal!
        let vertical = vertical!
        let rowLength = outW * 3
        rows.withUnsafeMutableBufferPointer { rows in
            // The two rows an output reads are the same or adjacent, so slot `row & 1` never evicts the other
            // one, and a source row is resampled once however many output rows read it.
            let slots = rows.baseAddress!
            var held = (even: -1, odd: -1)
            for y in 0..<outputSize.height {
                let (top, bottom) = (Int(vertical.first[y]), Int(vertical.second[y]))
                for row in top...bottom where (row & 1 == 0 ? held.even : held.odd) != row {
                    Self.resampleRow(source + row * width * 3, axis: horizontal, into: slots + (row & 1) * rowLength)
                    if row & 1 == 0 { held.even = row } else { held.odd = row }
                }
                Self.mix(
                    slots + (top & 1) * rowLength, weight: vertical.firstWeight[y], slots + (bottom & 1) * rowLength,
                    weight: vertical.secondWeight[y], count: rowLength, into: output + y * rowLength)
            }
        }
    }

    /// Horizontal pass over one row. OpenCV keeps the full sums (up to 255 x 2049, 19 bits) in 32 bits and its
    /// vertical kernel shifts them right by 4 to fit 16-bit lanes; that shift is done here, once per value, so the
    /// rows are stored in 16 bits.
    private static func resampleRow(
        _ source: UnsafePointer<UInt8>, axis: OpenCVLinearAxis, into row: UnsafeMutablePointer<UInt16>
    ) {
        for x in 0..<axis.outputSize {
            let p = source + Int(axis.first[x]) &* 3
            let q = source + Int(axis.second[x]) &* 3
            let (a, b) = (UInt32(axis.firstWeight[x]), UInt32(axis.secondWeight[x]))
            for c in 0..<3 {
                let sum = UInt32(p[c]) &* a &+ UInt32(q[c]) &* b
                row[x &* 3 &+ c] = UInt16(truncatingIfNeeded: sum &>> 4)
            }
        }
    }

    /// Vertical pass, as OpenCV's SIMD kernel (VResizeLinearVec_32s8u) computes it: the high halves of the two
    /// 16 x 16-bit products, added, then rounded off 2 more bits. This truncates twice, so it is not
    /// (a x top + b x bottom + 2^21) >> 22, OpenCV's scalar formula, which differs by one on some pixels; cv2 5.0
    /// gives the SIMD result on every element, row tails included (measured). The result never exceeds 255:
    /// at most (32655 x 2049) >> 16 = 1020 before the last shift.
    private static func mix(
        _ top: UnsafePointer<UInt16>, weight a: UInt16, _ bottom: UnsafePointer<UInt16>, weight b: UInt16, count: Int,
        into output: UnsafeMutablePointer<UInt8>
    ) {
        for i in 0..<count {
            let upper = top[i].multipliedFullWidth(by: a).high
            let lower = bottom[i].multipliedFullWidth(by: b).high
            output[i] = UInt8(truncatingIfNeeded: (upper &+ lower &+ 2) &>> 2)
        }
    }
}
