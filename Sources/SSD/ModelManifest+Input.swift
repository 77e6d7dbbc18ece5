import Preprocess

extension ModelManifest {
    /// How an image becomes the model's input tensor: `input` in model.json.
    public struct Input: Sendable, Equatable {
        /// Tensor width in pixels, 1...`ModelManifest.maximumInputSide`.
        public let width: Int
        /// Tensor height in pixels, 1...`ModelManifest.maximumInputSide`.
        public let height: Int
        /// Element order: `NHWC` or `NCHW`.
        public let layout: TensorLayout
        /// The resize the model was trained with.
        public let resize: ResizeMethod
        /// The order of the color channels in the tensor (`channels`, "RGB" or "BGR"; default "RGB").
        public let channelOrder: ChannelOrder
        /// Subtracted from each pixel value (0...255), per tensor channel (in `channelOrder`); each in
        /// [-1000, 1000].
        public let mean: SIMD3<Float>
        /// What the difference is divided by, per tensor channel; each in [0.001, 1000].
        public let std: SIMD3<Float>

        static let keys = ["width", "height", "layout", "resize", "channels", "mean", "std"]

        init(_ object: ManifestObject) throws {
            let sides = 1...ModelManifest.maximumInputSide
            width = try object.integer("width", in: sides)
            height = try object.integer("height", in: sides)
            layout = try object.choice("layout", [("NHWC", .nhwc), ("NCHW", .nchw)])
            resize = try object.choice("resize", ResizeMethod.allCases.map { ($0.rawValue, $0) })
            channelOrder =
                try object.contains("channels")
                ? object.choice("channels", ChannelOrder.allCases.map { ($0.rawValue, $0) }) : .rgb
            let mean = try object.numbers("mean", count: 3...3, ModelManifest.meanBounds)
            let std = try object.numbers("std", count: 3...3, ModelManifest.standardDeviationBounds)
            self.mean = SIMD3(mean[0], mean[1], mean[2])
            self.std = SIMD3(std[0], std[1], std[2])
        }
    }
}
