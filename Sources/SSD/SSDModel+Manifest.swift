import Engine
import Preprocess

extension SSDModel {
    /// The network with its outputs as the postprocess reads them, boxes then scores: by the manifest's `outputs`
    /// names, else outputs named "boxes" and "scores", else the model's order (TFLite's, split before its
    /// postprocess, is already that).
    static func orderingOutputs(_ network: Graph, manifest: ModelManifest) throws(SSDError) -> Graph {
        let names = manifest.outputs ?? (boxes: "boxes", scores: "scores")
        func output(named name: String) -> Int? { network.outputs.first { network.tensors[$0].name == name } }
        guard let boxes = output(named: names.boxes), let scores = output(named: names.scores) else {
            if manifest.outputs != nil {
                let found = network.outputs.map { network.tensors[$0].name }.joined(separator: ", ")
                throw .invalidManifest(
                    path: manifest.folder, key: "outputs",
                    reason: "the network has no outputs \(names.boxes) and \(names.scores) (it has \(found))")
            }
            return network
        }
        var ordered = network
        ordered.outputs = [boxes, scores] + network.outputs.filter { $0 != boxes && $0 != scores }
        return ordered
    }

    /// The input preprocessing writes. The engine takes NHWC (the ONNX loader re-lays NCHW models), so the layout
    /// is always NHWC here; the size must be the manifest's; float inputs get (p - mean) / std, quantized ones that
    /// quantized, and without a manifest input a uint8 model its raw bytes and a float one [-1, 1] (the TF Object
    /// Detection API's convention).
    static func inputSpec(_ input: Tensor, manifest: ModelManifest) throws(SSDError) -> InputSpec {
        guard input.shape.count == 4, input.shape[0] == 1, input.shape[3] == 3 else {
            throw .invalidModel("input \(input.name) has shape \(input.shape); expected [1, height, width, 3]")
        }
        let (height, width) = (input.shape[1], input.shape[2])
        guard let given = manifest.input else {
            switch input.dataType {
            case .uint8: return InputSpec(width: width, height: height, encoding: .uint8)
            case .float32:
                return InputSpec(
                    width: width, height: height,
                    encoding: .float32(mean: SIMD3(repeating: 127.5), std: SIMD3(repeating: 127.5)))
            default: throw .invalidModel("input \(input.name) is \(input.dataType); expected uint8 or float32")
            }
        }
        guard given.width == width, given.height == height else {
            throw .invalidManifest(
                path: manifest.folder, key: "input",
                reason: "\(given.width)x\(given.height), but the model's input \(input.name) is \(width)x\(height)")
        }
        let encoding: PixelEncoding
        switch (input.dataType, input.quantization) {
        case (.float32, _): encoding = .float32(mean: given.mean, std: given.std)
        case (.uint8, let quantization?):
            encoding = .quantizedUInt8(
                mean: given.mean, std: given.std, scale: quantization.scale, zeroPoint: Int(quantization.zeroPoint))
        default: throw .invalidModel("input \(input.name) is \(input.dataType); expected float32 or quantized uint8")
        }
        return InputSpec(
            width: width, height: height, encoding: encoding, resize: given.resize, channelOrder: given.channelOrder)
    }

    /// The postprocess the manifest describes: the embedded one (its thresholds replaced where the manifest gives
    /// them), boxes decoded in the graph, or center-size encodings against the manifest's anchors. Nil when the
    /// model has no postprocess and the manifest describes none.
    static func postprocessor(manifest: ModelManifest, embedded: SSDPostprocessor?, network: Graph)
        throws(SSDError) -> SSDPostprocessor?
    {
        guard network.outputs.count >= 2 else {
            throw .invalidModel("expected box encodings and class scores, found \(network.outputs.count) outputs")
        }
        let (boxes, scores) = (network.tensors[network.outputs[0]], network.tensors[network.outputs[1]])
        if case .embedded = manifest.decode {
            guard let embedded else {
                return nil
            }
            guard let given = manifest.postprocess else { return embedded }
            var options = embedded.options
            options.nms = given.nms
            options.scoreThreshold = given.scoreThreshold
            options.iouThreshold = given.iouThreshold
            options.maximumDetections = given.maximumDetections
            return SSDPostprocessor(anchors: embedded.anchors, options: options)
        }
        guard let given = manifest.postprocess else {
            throw .invalidManifest(path: manifest.folder, key: "postprocess", reason: "required to decode the boxes")
        }
        let boxCount = boxes.elementCount / 4
        guard boxCount > 0, scores.elementCount % boxCount == 0 else {
            throw .invalidModel("heads \(boxes.shape) and \(scores.shape) do not hold 4 numbers and scores per box")
        }
        // Without a class count, the scores' first column is the background (as in every SSD the manifest can
        // describe without one).
        let classCount = given.classCount ?? max(scores.elementCount / boxCount - 1, 1)
        func options(_ coder: BoxCoder) -> PostprocessOptions {
            PostprocessOptions(
                classCount: classCount, maximumDetections: given.maximumDetections,
                detectionsPerClass: min(100, boxCount), nms: given.nms, scoreThreshold: given.scoreThreshold,
                iouThreshold: given.iouThreshold, boxCoder: coder)
        }
        switch manifest.decode {
        case .embedded: return nil
        case .inGraph:
            return SSDPostprocessor(inGraphBoxes: boxCount, options: options(BoxCoder(encoding: .cornersXYXY)))
        case .centerSize(var coder, let encoding):
            guard let anchors = manifest.anchors.anchors() else {
                throw .invalidManifest(
                    path: manifest.folder, key: "anchors",
                    reason: "center-size decoding needs anchors to decode against")
            }
            coder.encoding = encoding
            return SSDPostprocessor(anchors: anchors, options: options(coder))
        }
    }
}
