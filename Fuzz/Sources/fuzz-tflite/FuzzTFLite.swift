import Engine
import FuzzSupport
import SSD

/// A model file, through everything that reads it before a backend plans it (`Detector`, `ssd-detect inspect`):
/// the FlatBuffers loader, the custom ops' FlexBuffers options, the split before TFLite_Detection_PostProcess, shape
/// inference and validation, the embedded anchors and postprocess options checked against the network's heads, and
/// the statistics inspect prints.
@main
enum FuzzTFLite {
    static func main() {
        Fuzzer.run { bytes in
            let graph = try TFLiteLoader.load(Array(bytes), name: "fuzz.tflite")
            _ = (graph.operationCounts, graph.parameterCount)
            let (network, tail) = graph.splittingCustomTail()
            // Both halves, whichever fails: a damaged postprocess should not hide the network from the fuzzer.
            let postprocess = Result { () throws(SSDError) in try SSDPostprocessor(embeddedIn: graph, tail: tail) }
            _ = try network.validated().multiplyAccumulates
            if let postprocessor = try postprocess.get(), network.outputs.count >= 2 {
                try postprocessor.validate(
                    encodings: network.tensors[network.outputs[0]],
                    scores: network.tensors[network.outputs[1]])
            }
        }
    }
}
