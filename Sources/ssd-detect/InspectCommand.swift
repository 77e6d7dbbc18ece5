import ArgumentParser
import Engine
import Foundation
import SSD

/// `ssd-detect inspect MODEL`: what a model holds and what one inference costs.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print a model's inputs, outputs, ops, parameters and multiply-accumulates.")

    @Argument(
        help: "A catalog name (models/), a model folder, a model.json or a .tflite file (default: the default model).")
    var model: String?

    func run() throws {
        let path = try ModelLocation.resolve(model).modelFile
        // Refused before anything is printed, as `detect` would refuse it.
        let ssd = try SSDModel(contentsOf: path)
        let (graph, tail, postprocessor) = (ssd.graph, ssd.tail, ssd.embeddedPostprocessor)
        let validated = try ssd.network.validated()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        func describe(_ index: Int) -> String {
            let tensor = validated.tensors[index]
            return "\(tensor.name)  \(tensor.dataType) \(tensor.shape)"
                + (tensor.quantization.map { "  \($0)" } ?? "")
        }
        print("model          \(path) (TFLite, \(String(format: "%.1f", Double(size) / 1e6)) MB)")
        for index in validated.inputs { print("input          \(describe(index))") }
        for index in validated.outputs { print("network output \(describe(index))") }
        let counts = graph.operationCounts.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
        print("ops            \(graph.nodes.count): \(counts)")
        print("parameters     \(graph.parameterCount.formatted())")
        print("MACs           \(validated.multiplyAccumulates.formatted()) per inference")
        for node in tail {
            guard case .custom(let name, let options) = node.operation else { continue }
            print(
                "postprocess    \(name), run outside the engine, on "
                    + node.inputs.map { graph.tensors[$0].name }.joined(separator: ", "))
            if case .map(let entries) = options {
                for (key, value) in entries {
                    print("  \(key.padding(toLength: 26, withPad: " ", startingAt: 0)) \(value)")
                }
            }
        }
        for index in graph.outputs { print("model output   \(graph.tensors[index].name)") }
        if let postprocessor {
            // The embedded anchors against the TF Object Detection API's generator for the usual SSD configuration.
            let generated = GridAnchorConfiguration.ssdMobileNet300.anchors()
            if generated.count == postprocessor.anchors.count {
                let difference =
                    zip(generated, postprocessor.anchors).map { a, b in
                        max(
                            abs(a.yCenter - b.yCenter), abs(a.xCenter - b.xCenter), abs(a.height - b.height),
                            abs(a.width - b.width))
                    }.max() ?? 0
                print(
                    "anchors        \(postprocessor.anchors.count) embedded; the SSD MobileNet 300 grid generator "
                        + "reproduces them within \(String(format: "%.4f", difference))")
            } else {
                print("anchors        \(postprocessor.anchors.count) embedded")
            }
        }
    }
}
