import ImageIO

/// What `Preprocessor` needs of a resizer, so that the spec's `ResizeMethod` picks one once, at construction.
protocol ImageResizer: AnyObject {
    /// Resizes `image` into `output`, which holds the resizer's output size in RGB8.
    func resize(_ image: RGBImage, into output: UnsafeMutableBufferPointer<UInt8>)
}

extension BilinearResizer: ImageResizer {}

extension OpenCVBilinearResizer: ImageResizer {}
