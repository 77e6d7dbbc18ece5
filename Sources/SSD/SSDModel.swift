import Engine
import Foundation

/// A TFLite SSD found, loaded and checked, before any backend: the one way a model file becomes a model, for the
/// detector, the commands and the server.
///
/// The graph is split in two: the network a backend runs, and its trailing custom ops, the
/// TFLite_Detection_PostProcess that runs outside the engine, whose anchors and options are read and checked
/// against the network's heads here.
public struct SSDModel: Sendable {
    /// The .tflite file.
    public let path: String
    /// The whole graph as loaded.
    public let graph: Graph
    /// What a backend runs: the graph without its trailing custom ops (a backend validates it as it plans).
    public let network: Graph
    /// The trailing custom ops, run outside the engine.
    public let tail: [Node]
    /// The model's own postprocess (TFLite_Detection_PostProcess), checked against the heads; nil without one.
    public let embeddedPostprocessor: SSDPostprocessor?

    /// The model's name (the file's).
    public var name: String { graph.name }

    /// Loads `path`, a .tflite file or a folder holding one (`file(in:)`).
    public init(contentsOf path: String) throws(SSDError) {
        self.path = try Self.file(in: path)
        do {
            graph = try TFLiteLoader.load(contentsOf: self.path)
            (network, tail) = graph.splittingCustomTail()
        } catch {
            throw .model(error)
        }
        embeddedPostprocessor = try SSDPostprocessor(embeddedIn: graph, tail: tail)
        if let embeddedPostprocessor, network.outputs.count >= 2 {
            try embeddedPostprocessor.validate(
                encodings: network.tensors[network.outputs[0]], scores: network.tensors[network.outputs[1]])
        }
    }

    /// `path` itself when it is a file, or the one .tflite file in the folder `path`.
    public static func file(in path: String) throws(SSDError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .modelFile("model not found: \(path)")
        }
        guard isFolder.boolValue else { return path }
        let models = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".tflite") }.sorted()
        guard models.count == 1 else {
            let found = models.isEmpty ? "none" : models.joined(separator: ", ")
            throw .modelFile("expected one .tflite file in \(path), found \(found)")
        }
        return (path as NSString).appendingPathComponent(models[0])
    }
}
