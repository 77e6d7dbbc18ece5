import Engine
import Inference
import KServe
import SSD

/// A model's network served alone over KServe v2 (`ssd-detect worker`): the static input tensor in, the raw heads
/// out, no decoding and no postprocess, which stay with the front end that sent it. It runs on the detectors of a
/// `DetectorPool`, with its bounded queue, one request per detector at a time.
public struct NetworkService: TensorModel {
    /// The network's input and outputs as the engine lays them out (NHWC, quantized tensors as their integers).
    public let metadata: ModelMetadata
    /// The detectors whose networks run the requests.
    public let pool: DetectorPool

    /// Serves the networks of `pool`'s detectors under `name`; `platform` says what runs them.
    public init(pool: DetectorPool, name: String, platform: String) async {
        self.pool = pool
        let (inputs, outputs) = await pool.forEachDetector { detector in
            let network = detector.preparedNetwork
            return (
                network.inputIndices.map { TensorMetadata(network.graph.tensors[$0]) },
                network.outputIndices.map { TensorMetadata(network.graph.tensors[$0]) }
            )
        }[0]
        metadata = ModelMetadata(name: name, platform: platform, inputs: inputs, outputs: outputs)
    }

    /// Copies the inputs into a free detector's network, runs it, and returns every output with the time spent
    /// waiting for the detector and in the pass: 503 when the pool's queue is full, 500 when the backend fails.
    public func infer(_ request: InferenceRequest) async throws(KServeError) -> ModelAnswer {
        let metadata = metadata
        let clock = ContinuousClock()
        let arrival = clock.now
        do throws(InferenceError) {
            return try await pool.withDetector { (detector) throws(InferenceError) in
                let network = detector.preparedNetwork
                for (position, expected) in metadata.inputs.enumerated() {
                    guard let input = request.inputs.first(where: { $0.name == expected.name }) else {
                        throw .badRequest("missing_input", "input '\(expected.name)' is missing")
                    }
                    input.bytes.withUnsafeBytes { network.input(position).copyMemory(from: $0) }
                }
                let start = clock.now
                do throws(RunError) { try network.run() } catch {
                    throw .internalError("the network failed: \(error.message)")
                }
                let end = clock.now
                let outputs = metadata.outputs.enumerated().map { position, output in
                    InferenceTensor(
                        name: output.name, datatype: output.datatype, shape: output.shape,
                        bytes: Array(network.output(position)))
                }
                return ModelAnswer(outputs: outputs, timing: ServerTiming(queue: start - arrival, compute: end - start))
            }
        } catch {
            throw KServeError(status: error.status, error.message)
        }
    }
}
