import CQuantizedGEMM
import Engine

extension qgemm_window {
    /// The C kernels' description of a convolution's window over an NHWC `input` of `shape`.
    init(input shape: [Int], window: Window, geometry: WindowGeometry, filterHeight: Int, filterWidth: Int) {
        self.init(
            height: Int32(shape[1]), width: Int32(shape[2]), channels: Int32(shape[3]),
            filterHeight: Int32(filterHeight), filterWidth: Int32(filterWidth),
            strideY: Int32(window.strideHeight), strideX: Int32(window.strideWidth),
            dilationY: Int32(window.dilationHeight), dilationX: Int32(window.dilationWidth),
            padTop: Int32(geometry.padTop), padLeft: Int32(geometry.padLeft),
            outputHeight: Int32(geometry.outputHeight), outputWidth: Int32(geometry.outputWidth))
    }
}
