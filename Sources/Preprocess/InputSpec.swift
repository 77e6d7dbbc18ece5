import ImageIO

/// The fixed input a model expects: size, layout and how a pixel value becomes a tensor element.
///
/// Read from the model by the engine; `Preprocessor` writes exactly `byteCount` bytes of it.
public struct InputSpec: Sendable, Equatable {
    /// Tensor width in pixels.
    public var width: Int
    /// Tensor height in pixels.
    public var height: Int
    /// Element order.
    public var layout: TensorLayout
    /// Pixel-to-element mapping.
    public var encoding: PixelEncoding
    /// How an image is brought to `width` x `height`: the resize the model was trained with.
    public var resize: ResizeMethod
    /// The color channels' order in the tensor; the encoding's mean and std are given in this order.
    public var channelOrder: ChannelOrder

    /// A spec for a `width` x `height` input of three color channels.
    public init(
        width: Int, height: Int, layout: TensorLayout = .nhwc, encoding: PixelEncoding = .uint8,
        resize: ResizeMethod = .pillowBilinear, channelOrder: ChannelOrder = .rgb
    ) {
        precondition(width > 0 && height > 0, "input size must be positive")
        self.width = width
        self.height = height
        self.layout = layout
        self.encoding = encoding
        self.resize = resize
        self.channelOrder = channelOrder
    }

    /// Channels per pixel (RGB).
    public var channels: Int { 3 }
    /// The input's size as an image size.
    public var size: ImageSize { ImageSize(width: width, height: height) }
    /// Elements in the tensor (batch 1).
    public var elementCount: Int { width * height * channels }
    /// Bytes in the tensor (batch 1).
    public var byteCount: Int { elementCount * encoding.bytesPerElement }
}

/// Element order of an image tensor with batch 1.
public enum TensorLayout: String, Sendable {
    /// Height, width, channels (TFLite, TensorFlow).
    case nhwc
    /// Channels, height, width (MXNet, PyTorch, ONNX).
    case nchw
}

/// How an 8-bit pixel value p becomes a tensor element, per channel (R, G, B).
public enum PixelEncoding: Sendable, Equatable {
    /// The pixel byte itself: quantized models whose input quantization undoes their normalization
    /// (SSD MobileNet's scale 1/128, zero point 128 means real = (p - 128) / 128).
    case uint8
    /// real = (p - mean) / std, then quantized: q = round(real / scale) + zeroPoint, clamped to 0...255.
    case quantizedUInt8(mean: SIMD3<Float>, std: SIMD3<Float>, scale: Float, zeroPoint: Int)
    /// real = (p - mean) / std as Float32, e.g. mean = std = 127.5 for [-1, 1], or ImageNet's statistics.
    case float32(mean: SIMD3<Float>, std: SIMD3<Float>)

    /// Bytes per tensor element.
    public var bytesPerElement: Int {
        switch self {
        case .uint8, .quantizedUInt8: return 1
        case .float32: return 4
        }
    }
}

/// The resize a model's training pipeline used; another one shifts every pixel a little, and the scores with it.
public enum ResizeMethod: String, Sendable, CaseIterable {
    /// Pillow's `resize(size, BILINEAR)`: antialiased when reducing (TF Object Detection API exports, the TFLite
    /// reference outputs).
    case pillowBilinear = "pillow-bilinear"
    /// OpenCV's `resize(..., INTER_LINEAR)`: half-pixel centers, two taps, no antialiasing (PyTorch training code
    /// such as UltraFace's).
    case opencvBilinear = "opencv-bilinear"
}

/// The order of the color channels in a model's input: RGB for most exports, BGR for Caffe and OpenCV-trained models.
public enum ChannelOrder: String, Sendable, CaseIterable {
    case rgb = "RGB"
    case bgr = "BGR"
}
