import Engine
import Foundation
import Preprocess

/// An SSD found, loaded and checked, before any backend: the one way a model becomes a model, for the detector,
/// the commands and the server.
///
/// Its manifest (`model.json`, or the one a bare .tflite implies) says how to read it: the file's format and
/// layout, the preprocessing, the anchors, the box decoding and the postprocess. The graph is split in two: the
/// network a backend runs, with its outputs in the order boxes, scores; and its trailing custom ops (a TFLite
/// model's TFLite_Detection_PostProcess, whose anchors and options are read and checked here).
public struct SSDModel: Sendable {
    /// How the model is read, preprocessed and postprocessed.
    public let manifest: ModelManifest
    /// The whole graph as loaded.
    public let graph: Graph
    /// What a backend runs: the graph without its trailing custom ops, outputs [boxes, scores].
    public let network: Graph
    /// The trailing custom ops, run outside the engine.
    public let tail: [Node]
    /// A TFLite model's own postprocess (TFLite_Detection_PostProcess), checked against the heads; nil without.
    public let embeddedPostprocessor: SSDPostprocessor?
    /// The postprocess to run, checked against the heads: the embedded one (with the manifest's thresholds where it
    /// gives them) or the one the manifest describes; nil for a model with neither (a caller must give one).
    public let postprocessor: SSDPostprocessor?
    /// What preprocessing writes: the network input's size and element type, the manifest's resize, mean and std.
    public let inputSpec: InputSpec

    /// The model file.
    public var path: String { manifest.modelFile }
    /// The model's name (the file's).
    public var name: String { graph.name }

    /// Whether any convolution is quantized (float models run float convolutions, whatever the backend's choice).
    public var hasQuantizedConvolutions: Bool {
        network.nodes.contains { node in
            switch node.operation {
            case .conv2D, .depthwiseConv2D: network.tensors[node.inputs[1]].quantization != nil
            default: false
            }
        }
    }

    /// Loads what `path` names: a .tflite file, a folder holding a model.json or one .tflite, or a model.json
    /// (`ModelCatalog.resolve`; catalog names need a catalog, see `init(manifest:)`).
    public init(contentsOf path: String) throws(SSDError) {
        try self.init(manifest: ModelCatalog(roots: []).resolve(path))
    }

    /// Loads the model `manifest` describes and checks the manifest against it.
    public init(manifest: ModelManifest) throws(SSDError) {
        self.manifest = manifest
        do {
            switch manifest.format {
            case .tflite:
                guard manifest.input?.layout ?? .nhwc == .nhwc else {
                    throw SSDError.invalidManifest(
                        path: manifest.folder, key: "input.layout", reason: "a TFLite model's input is NHWC")
                }
                graph = try TFLiteLoader.load(contentsOf: manifest.modelFile)
            case .onnx:
                graph = try ONNXLoader.load(
                    contentsOf: manifest.modelFile, channelsFirstInput: manifest.input?.layout == .nchw)
            }
        } catch let error as ModelError {
            throw .model(error)
        } catch let error as SSDError {
            throw error
        } catch {
            throw .invalidModel("\(error)")
        }
        let (network, tail) = graph.splittingCustomTail()
        self.network = try Self.orderingOutputs(network, manifest: manifest)
        self.tail = tail
        embeddedPostprocessor = try SSDPostprocessor(embeddedIn: graph, tail: tail)
        inputSpec = try Self.inputSpec(self.network.tensors[self.network.inputs[0]], manifest: manifest)
        postprocessor = try Self.postprocessor(
            manifest: manifest, embedded: embeddedPostprocessor, network: self.network)
        if let postprocessor, self.network.outputs.count >= 2 {
            try postprocessor.validate(
                encodings: self.network.tensors[self.network.outputs[0]],
                scores: self.network.tensors[self.network.outputs[1]])
        }
    }
}
