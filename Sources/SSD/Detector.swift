import Engine
import ImageIO
import Preprocess

/// Model + backend + preprocessing + postprocess: an image in, detections out.
///
/// Everything is planned at construction (the network on its backend, with its warm-up; the resize; the
/// anchors). One detector runs one image at a time; a server keeps several.
public final class Detector {
    /// The model file's name.
    public let modelName: String
    /// Class names: from `labelsPath`, else the label file beside the model, else none (every class "class N").
    public let labels: LabelMap
    /// The network input that preprocessing writes: its size, and raw bytes (uint8 models) or [-1, 1] (float).
    public let inputSpec: InputSpec
    /// The anchors and options in use: the model's own, else the ones given; given `postprocessOptions` replace the
    /// model's options, given anchors never replace its anchors.
    public let postprocessor: SSDPostprocessor
    private let model: any PreparedModel
    private let preprocessor: Preprocessor
    private let encodingsTensor: Tensor
    private let scoresTensor: Tensor

    /// Time spent on one image, in milliseconds.
    public struct Timing: Sendable {
        /// Resizing the image into the input tensor, pixel conversion included.
        public var preprocess: Double
        /// The backend's `run()`: the network without its postprocess.
        public var network: Double
        /// Decoding and NMS, and placing the boxes on the image.
        public var postprocess: Double
    }

    /// Loads `modelPath` (a TFLite SSD, or a folder holding one), plans it on `backend`, and reads the labels from
    /// `labelsPath`, else from the label file beside the model. `anchors` serve models without embedded anchors (no
    /// TFLite_Detection_PostProcess); `postprocessOptions` likewise.
    public convenience init(
        modelPath: String, labelsPath: String? = nil, backend: any Backend,
        options: BackendOptions = BackendOptions(), anchors: [Anchor]? = nil,
        postprocessOptions: PostprocessOptions? = nil
    ) throws(SSDError) {
        try self.init(
            model: SSDModel(contentsOf: modelPath), labelsPath: labelsPath, backend: backend, options: options,
            anchors: anchors, postprocessOptions: postprocessOptions)
    }

    /// `model` planned on `backend`; the rest as `init(modelPath:...)`.
    public convenience init(
        model: SSDModel, labelsPath: String? = nil, backend: any Backend, options: BackendOptions = BackendOptions(),
        anchors: [Anchor]? = nil, postprocessOptions: PostprocessOptions? = nil
    ) throws(SSDError) {
        try self.init(
            model: model, labelsPath: labelsPath, anchors: anchors, postprocessOptions: postprocessOptions
        ) { (network) throws(SSDError) in
            do throws(ModelError) { return try backend.prepare(network, options: options) } catch {
                throw .model(error)
            }
        }
    }

    /// `model` with its network already planned on a backend (`prepared`): for a caller that also runs the network
    /// alone (`ssd-detect bench`), without a second copy of the model.
    public convenience init(
        model: SSDModel, prepared: any PreparedModel, labelsPath: String? = nil, anchors: [Anchor]? = nil,
        postprocessOptions: PostprocessOptions? = nil
    ) throws(SSDError) {
        try self.init(model: model, labelsPath: labelsPath, anchors: anchors, postprocessOptions: postprocessOptions) {
            _ throws(SSDError) in prepared
        }
    }

    /// Checks the postprocess and the input, and only then plans the network (`prepare`): a model refused costs no
    /// planning.
    private init(
        model ssd: SSDModel, labelsPath: String?, anchors: [Anchor]?, postprocessOptions: PostprocessOptions?,
        prepare: (Graph) throws(SSDError) -> any PreparedModel
    ) throws(SSDError) {
        let network = ssd.network
        modelName = ssd.name
        let postprocess = try Self.postprocess(
            embedded: ssd.embeddedPostprocessor, tail: ssd.tail, anchors: anchors, options: postprocessOptions)
        postprocessor = postprocess
        guard network.outputs.count >= 2 else {
            throw .invalidModel("expected box encodings and class scores, found \(network.outputs.count) outputs")
        }
        encodingsTensor = network.tensors[network.outputs[0]]
        scoresTensor = network.tensors[network.outputs[1]]
        // The model's own postprocess was checked against the heads as it loaded; given options and anchors are
        // checked here.
        if ssd.embeddedPostprocessor == nil || postprocessOptions != nil {
            try postprocess.validate(encodings: encodingsTensor, scores: scoresTensor)
        }
        inputSpec = try Self.inputSpec(network.tensors[network.inputs[0]])
        model = try prepare(network)
        preprocessor = Preprocessor(spec: inputSpec)

        if let labelsPath {
            labels = try LabelMap(contentsOf: labelsPath)
        } else if let path = LabelMap.conventionalPath(inModelDirectory: Self.directory(of: ssd.path)) {
            labels = try LabelMap(contentsOf: path)
        } else {
            labels = LabelMap(labels: [:])
        }
    }

    /// The most detections `detect` can be asked for: the model's anchor count, the bound its own max_detections
    /// has too.
    public var maximumDetectionsLimit: Int { postprocessor.anchors.count }

    /// Detections in `image`, best first. `scoreThreshold` and `maximumDetections` override the model's; a
    /// `maximumDetections` outside 1...`maximumDetectionsLimit` throws `SSDError.maximumDetectionsOutOfRange`.
    public func detect(_ image: RGBImage, scoreThreshold: Float? = nil, maximumDetections: Int? = nil)
        throws(SSDError) -> (detections: [Detection], timing: Timing)
    {
        if let maximumDetections, !(1...maximumDetectionsLimit).contains(maximumDetections) {
            throw .maximumDetectionsOutOfRange(requested: maximumDetections, limit: maximumDetectionsLimit)
        }
        let clock = ContinuousClock()
        let start = clock.now
        preprocessor.write(image, into: model.input(0))
        let preprocessed = clock.now
        do { try model.run() } catch { throw .run(error.message) }
        let ran = clock.now
        let raw = postprocessor.detections(
            encodings: TensorValues(model.output(0), tensor: encodingsTensor),
            scores: TensorValues(model.output(1), tensor: scoresTensor), scoreThreshold: scoreThreshold,
            maximumDetections: maximumDetections)
        let detections = raw.map { Detection($0, labels: labels, width: image.width, height: image.height) }
        let done = clock.now
        return (
            detections,
            Timing(
                preprocess: (preprocessed - start).milliseconds,
                network: (ran - preprocessed).milliseconds, postprocess: (done - ran).milliseconds)
        )
    }

    /// The heads of the last `detect` as the backend wrote them (box encodings, then class scores), where the
    /// network's outputs are quantized: for comparing backends step by step (`ssd-detect bench --backend all`).
    public var lastQuantizedHeads: [UnsafeRawBufferPointer]? {
        guard encodingsTensor.dataType == .uint8, scoresTensor.dataType == .uint8 else { return nil }
        return [model.output(0), model.output(1)]
    }

    /// The input the preprocessing writes: raw bytes for uint8 models (their quantization holds the
    /// normalization), [-1, 1] for float ones, as the TF Object Detection API exports expect.
    static func inputSpec(_ input: Tensor) throws(SSDError) -> InputSpec {
        guard input.shape.count == 4, input.shape[0] == 1, input.shape[3] == 3 else {
            throw .invalidModel("input \(input.name) has shape \(input.shape); expected [1, height, width, 3]")
        }
        switch input.dataType {
        case .uint8: return InputSpec(width: input.shape[2], height: input.shape[1], encoding: .uint8)
        case .float32:
            return InputSpec(
                width: input.shape[2], height: input.shape[1],
                encoding: .float32(mean: SIMD3(repeating: 127.5), std: SIMD3(repeating: 127.5)))
        default: throw .invalidModel("input \(input.name) is \(input.dataType); expected uint8 or float32")
        }
    }

    /// Anchors and options: the model's own (TFLite_Detection_PostProcess), else the ones given.
    static func postprocess(
        embedded: SSDPostprocessor?, tail: [Node], anchors: [Anchor]?, options: PostprocessOptions?
    ) throws(SSDError) -> SSDPostprocessor {
        if let embedded {
            guard let options else { return embedded }
            return SSDPostprocessor(anchors: embedded.anchors, options: options)
        }
        if let op = tail.first { throw .invalidModel("custom op \(op.operation.name) is not an SSD postprocess") }
        guard let anchors, let options else {
            throw .invalidModel("the model has no TFLite_Detection_PostProcess; give anchors and postprocess options")
        }
        return SSDPostprocessor(anchors: anchors, options: options)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
