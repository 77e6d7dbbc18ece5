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
        let manifest = try ModelLocation.resolve(model)
        let path = manifest.modelFile
        // Refused before anything is printed, as `detect` would refuse it.
        let ssd = try SSDModel(manifest: manifest)
        let (graph, tail, postprocessor) = (ssd.graph, ssd.tail, ssd.embeddedPostprocessor)
        let validated = try ssd.network.validated()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        func describe(_ index: Int) -> String {
            let tensor = validated.tensors[index]
            return "\(tensor.name)  \(tensor.dataType) \(tensor.shape)"
                + (tensor.quantization.map { "  \($0)" } ?? "")
        }
        let format = manifest.format == .onnx ? "ONNX" : "TFLite"
        print("model          \(path) (\(format), \(String(format: "%.1f", Double(size) / 1e6)) MB)")
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
        Self.printResolved(ssd)
    }

    /// What the manifest resolved to: the preprocessing, the anchors, the decoding and the postprocess as they run.
    static func printResolved(_ ssd: SSDModel) {
        let manifest = ssd.manifest
        let spec = ssd.inputSpec
        let encoding: String
        switch spec.encoding {
        case .uint8: encoding = "raw bytes"
        case .quantizedUInt8(let mean, let std, let scale, let zeroPoint):
            encoding =
                "(p - \(Self.list(mean))) / \(Self.list(std)), quantized (scale \(scale), zero point \(zeroPoint))"
        case .float32(let mean, let std): encoding = "(p - \(Self.list(mean))) / \(Self.list(std)) as float32"
        }
        let layout =
            manifest.input?.layout == .nchw ? "NHWC in the engine (the file's NCHW re-laid at load)" : "NHWC"
        print(
            "preprocess     \(spec.width)x\(spec.height) \(spec.resize.rawValue), \(spec.channelOrder.rawValue), "
                + "\(encoding), \(layout)")
        switch manifest.anchors {
        case .embedded: break
        case .tfGrid, .caffePriorBox, .minimumSizes:
            print("anchors        \(ssd.postprocessor?.anchors.count ?? 0) generated (\(Self.kind(manifest.anchors)))")
        }
        guard let postprocessor = ssd.postprocessor else {
            print("postprocess    none: give anchors and options in a model.json")
            return
        }
        let options = postprocessor.options
        let coder = options.boxCoder
        let decoding =
            coder.encoding == .cornersXYXY
            ? "\(postprocessor.boxCount) boxes decoded in the graph (xmin, ymin, xmax, ymax)"
            : "center-size \(coder.encoding.rawValue) against \(postprocessor.anchors.count) anchors, scales "
                + "\(coder.yScale), \(coder.xScale), \(coder.heightScale), \(coder.widthScale)"
        let nms: String
        switch options.nms {
        case .tfliteFast: nms = "tflite-fast"
        case .tfliteRegular: nms = "tflite-regular"
        case .hardPerClass(let candidates): nms = "hard-per-class, \(candidates) candidates per class"
        }
        print("decode         \(decoding)")
        print(
            "postprocess    \(nms), \(options.classCount) classes, score threshold \(options.scoreThreshold), IoU "
                + "threshold \(options.iouThreshold), at most \(options.maximumDetections) detections")
        print("labels         \(manifest.labelsFile ?? "none")")
    }

    private static func list(_ values: SIMD3<Float>) -> String { "[\(values[0]), \(values[1]), \(values[2])]" }

    private static func kind(_ anchors: ModelManifest.Anchors) -> String {
        switch anchors {
        case .embedded: "embedded"
        case .tfGrid: "tf-grid"
        case .caffePriorBox: "caffe-priorbox"
        case .minimumSizes: "min-sizes"
        }
    }
}
