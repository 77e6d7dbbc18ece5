import Engine

/// Per output pixel and filter tap, a pointer to the input pixel the tap reads, or to a row of zeros where the
/// window leaves the input: what CFloatKernels' convolutions read instead of an im2col copy. Shapes are static, so
/// it is built once at planning; the input's place in the arena never moves.
enum IndirectionBuffer {
    /// Pointers for `output`'s pixels (NHWC shape), `filterHeight * filterWidth` each, tap-major in the filter's
    /// (row, column) order.
    static func count(output: [Int], filterHeight: Int, filterWidth: Int) -> Int {
        output[0] * output[1] * output[2] * filterHeight * filterWidth
    }

    /// Fills `buffer` (of `count` pointers) for a window over `input`; `zeros` must hold a pixel's channels.
    static func fill(
        _ buffer: UnsafeMutablePointer<UnsafePointer<Float>?>, input: StoredTensor, outputHeight: Int,
        outputWidth: Int, window: Window, geometry: WindowGeometry, filterHeight: Int, filterWidth: Int,
        zeros: UnsafePointer<Float>
    ) {
        let (batches, height, width, channels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var next = buffer
        for b in 0..<batches {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    for ky in 0..<filterHeight {
                        let iy = y * window.strideHeight - geometry.padTop + ky * window.dilationHeight
                        for kx in 0..<filterWidth {
                            let ix = x * window.strideWidth - geometry.padLeft + kx * window.dilationWidth
                            let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                            next.pointee =
                                inside
                                ? UnsafePointer(input.pointer + ((b * height + iy) * width + ix) * channels) : zeros
                            next += 1
                        }
                    }
                }
            }
        }
    }
}
