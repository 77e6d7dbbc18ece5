import Engine

/// Per output pixel and filter tap, a pointer to the input pixel the tap reads, or to a row of zeros where the
/// window leaves the input: what CFloatKernels' convolutions read instead of an im2col copy. Shapes are static, so
/// it is built once at planning; the input's place in the arena never moves.
///
/// Grouped as the kernel's register tiles read it (XNNPACK's layout): per tile of `tileRows` pixels, per tap, the
/// tile's pointers side by side, so a tap's pointers are one load stream (pointers per pixel, a tile apart, cost
/// the kernel a reload of each pixel's offset per tap). The last tile repeats its last pixel.
enum IndirectionBuffer {
    /// Pointers for `output`'s pixels (NHWC shape) in tiles of `tileRows`, `filterHeight * filterWidth` each.
    static func count(output: [Int], filterHeight: Int, filterWidth: Int, tileRows: Int) -> Int {
        let pixels = output[0] * output[1] * output[2]
        return (pixels + tileRows - 1) / tileRows * tileRows * filterHeight * filterWidth
    }

    /// Fills `buffer` (of `count` pointers) for a window over `input`; `zeros` must hold a pixel's channels.
    static func fill(
        _ buffer: UnsafeMutablePointer<UnsafePointer<Float>?>, input: StoredTensor, outputHeight: Int,
        outputWidth: Int, window: Window, geometry: WindowGeometry, filterHeight: Int, filterWidth: Int,
        tileRows: Int, zeros: UnsafePointer<Float>
    ) {
        let (batches, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let taps = filterHeight * filterWidth
        let pixels = batches * outputHeight * outputWidth
        let padded = (pixels + tileRows - 1) / tileRows * tileRows
        for slot in 0..<padded {
            let pixel = min(slot, pixels - 1)
            let (b, y, x) = (
                pixel / (outputHeight * outputWidth), (pixel / outputWidth) % outputHeight, pixel % outputWidth
            )
            let tile = buffer + (slot / tileRows) * taps * tileRows + slot % tileRows
            for ky in 0..<filterHeight {
                let iy = y * window.strideHeight - geometry.padTop + ky * window.dilationHeight
                for kx in 0..<filterWidth {
                    let ix = x * window.strideWidth - geometry.padLeft + kx * window.dilationWidth
                    let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                    let source = input.pointer + ((b * height + iy) * width + ix) * channels
                    tile[(ky * filterWidth + kx) * tileRows] = inside ? UnsafePointer(source) : zeros
                }
            }
        }
    }
}
