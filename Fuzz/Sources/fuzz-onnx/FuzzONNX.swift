import Engine
import FuzzSupport

/// An ONNX file through everything that reads it before a backend plans it: the protobuf reader, the conversion
/// to the engine's graph (constants, folded BatchNormalization and shape arithmetic, the NCHW to NHWC re-layout),
/// validation and the statistics `ssd-detect inspect` prints.
@main
enum FuzzONNX {
    static func main() {
        Fuzzer.run { bytes in
            let graph = try ONNXLoader.load(Array(bytes), name: "fuzz.onnx")
            _ = (graph.operationCounts, graph.parameterCount, try graph.validated().multiplyAccumulates)
        }
    }
}
