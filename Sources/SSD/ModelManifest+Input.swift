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
        /// Subtracted from each pixel value (R, G, B, 0...255), per channel; each in [-1000, 1000].
        public let mean: SIMD3<Float>
        /// What the difference is divided by, per channel; each in [0.001, 1000].
        public let std: SIMD3<Float>

        static let keys = ["width", "height", "layout", "resize", "mean", "std"]

        init(_ object: ManifestObject) throws {
            let sides = 1...ModelManifest.maximumInputSide
            width = try object.integer("width", in: sides)
            height = try object.integer("height", in: sides)
            layout = try object.choice("layout", [("NHWC", .nhwc), ("NCHW", .nchw)])
            resize = try object.choice("resize", ResizeMethod.allCases.map { ($0.rawValue, $0) })
            let mean = try object.numbers("mean", count: 3...3, ModelManifest.meanBounds)
            let std = try object.numbers("std", count: 3...3, ModelManifest.standardDeviationBounds)
            self.mean = SIMD3(mean[0], mean[1], mean[2])
            self.std = SIMD3(std[0], std[1], std[2])
        }
    }
}
