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
    /// Class names: from `labelsPath`, else the manifest's label file (for a bare .tflite, the one beside it), else
    /// none (every class "class N").
    public let labels: LabelMap
    /// The network input that preprocessing writes: its size, encoding and resize (`SSDModel.inputSpec`).
    public let inputSpec: InputSpec
    /// The anchors and options in use: the model's own, else the ones given; given `postprocessOptions` replace the
    /// model's options, given anchors never replace its anchors.
    public let postprocessor: SSDPostprocessor
    private let model: any PreparedModel
    /// Whether boxes are clipped to the image (the manifest's `clip_boxes`).
    private let clipsBoxes: Bool
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

    /// Loads `modelPath` (a .tflite file, a folder with a model.json or one .tflite, or a model.json), plans it on
    /// `backend`, and reads the labels from `labelsPath`, else from the manifest's label file. `anchors` serve models without embedded anchors (no
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
            model: ssd.postprocessor, tail: ssd.tail, anchors: anchors, options: postprocessOptions)
        postprocessor = postprocess
        encodingsTensor = network.tensors[network.outputs[0]]
        scoresTensor = network.tensors[network.outputs[1]]
        // The model's own postprocess was checked against the heads as it loaded; given options and anchors are
        // checked here.
        if ssd.postprocessor == nil || postprocessOptions != nil {
            try postprocess.validate(encodings: encodingsTensor, scores: scoresTensor)
        }
        inputSpec = ssd.inputSpec
        clipsBoxes = ssd.manifest.postprocess?.clipsBoxes ?? true
        model = try prepare(network)
        preprocessor = Preprocessor(spec: inputSpec)

        if let path = labelsPath ?? ssd.manifest.labelsFile {
            labels = try LabelMap(contentsOf: path)
        } else {
            labels = LabelMap(labels: [:])
        }
    }

    /// The most detections `detect` can be asked for: the model's box count, the bound its own max_detections has
    /// too.
    public var maximumDetectionsLimit: Int { postprocessor.boxCount }

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
        let detections = raw.map {
            Detection($0, labels: labels, width: image.width, height: image.height, clipped: clipsBoxes)
        }
        let done = clock.now
        return (
            detections,
            Timing(
                preprocess: (preprocessed - start).milliseconds,
                network: (ran - preprocessed).milliseconds, postprocess: (done - ran).milliseconds)
        )
    }

    /// The network as planned on its backend, for serving it alone (`ssd-detect worker`): to be used only by whoever
    /// holds this detector, as `detect` would be.
    public var preparedNetwork: any PreparedModel { model }

    /// The heads of the last `detect` as the backend wrote them (box encodings, then class scores), where the
    /// network's outputs are quantized: for comparing backends step by step (`ssd-detect bench --backend all`).
    public var lastQuantizedHeads: [UnsafeRawBufferPointer]? {
        guard encodingsTensor.dataType == .uint8, scoresTensor.dataType == .uint8 else { return nil }
        return [model.output(0), model.output(1)]
    }

    /// Anchors and options: the model's own (its TFLite_Detection_PostProcess or its manifest's), else the ones
    /// given; given options replace the model's, given anchors never replace its anchors.
    static func postprocess(
        model: SSDPostprocessor?, tail: [Node], anchors: [Anchor]?, options: PostprocessOptions?
    ) throws(SSDError) -> SSDPostprocessor {
        if let model {
            guard let options else { return model }
            return model.anchors.isEmpty
                ? SSDPostprocessor(inGraphBoxes: model.boxCount, options: options)
                : SSDPostprocessor(anchors: model.anchors, options: options)
        }
        if let op = tail.first { throw .invalidModel("custom op \(op.operation.name) is not an SSD postprocess") }
        guard let anchors, let options else {
            throw .invalidModel(
                "the model has no TFLite_Detection_PostProcess and its manifest no postprocess; give anchors and "
                    + "postprocess options")
        }
        return SSDPostprocessor(anchors: anchors, options: options)
    }
}
