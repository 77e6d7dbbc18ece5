import Engine
import KServe

/// A graph planned for a remote, with its local twin: the input is written into the local model's buffer (so a
/// fallback copies nothing), sent from there, and the outputs are read from wherever the last run happened.
final class RemoteModel: PreparedModel {
    let client: RemoteClient
    /// The same graph, prepared on the fallback backend.
    let local: any PreparedModel
    /// The model's name on the remotes.
    let modelName: String
    let inputs: [TensorMetadata]
    let outputs: [TensorMetadata]
    /// The remote's outputs of the last run, in `outputs`' order: buffers of their own, as `output(_:)` hands out
    /// pointers that must outlive the call.
    private let remoteOutputs: [UnsafeMutableRawBufferPointer]
    /// Whether the last run's outputs came from a remote.
    private var ranRemotely = false
    /// This model's keep-alive connection to each endpoint: it is run by one thread at a time, which its calls
    /// block.
    private let connections: [HTTPConnection]
    /// The JSON part of every request: the inputs' names, types and shapes never change.
    private let requestHeader: [UInt8]

    var graph: Graph { local.graph }
    var inputIndices: [Int] { local.inputIndices }
    var outputIndices: [Int] { local.outputIndices }

    init(client: RemoteClient, local: any PreparedModel, modelName: String) {
        self.client = client
        self.local = local
        self.modelName = modelName
        inputs = local.inputIndices.map { TensorMetadata(local.graph.tensors[$0]) }
        outputs = local.outputIndices.map { TensorMetadata(local.graph.tensors[$0]) }
        remoteOutputs = outputs.map { .allocate(byteCount: max($0.byteCount, 1), alignment: 64) }
        // The binary outputs, plus room for a JSON header (or JSON data from a server that ignores the binary
        // parameter, about 5 characters a byte).
        let maximumResponseBytes = outputs.reduce(0) { $0 + $1.byteCount } * 8 + (1 << 20)
        connections = client.endpoints.map { HTTPConnection(endpoint: $0, maximumBodyBytes: maximumResponseBytes) }
        requestHeader = InferenceRequest(
            inputs: inputs.map { .init(name: $0.name, datatype: $0.datatype, shape: $0.shape, bytes: []) },
            outputs: outputs.map { .init(name: $0.name, binary: true) }, binaryOutputs: true
        ).encodedHeader(binaryDataSizes: inputs.map(\.byteCount))
    }

    deinit {
        for buffer in remoteOutputs { buffer.deallocate() }
    }

    func input(_ position: Int) -> UnsafeMutableRawBufferPointer { local.input(position) }

    func output(_ position: Int) -> UnsafeRawBufferPointer {
        guard ranRemotely else { return local.output(position) }
        return UnsafeRawBufferPointer(rebasing: remoteOutputs[position][0..<outputs[position].byteCount])
    }

    func run() throws(RunError) {
        if let endpoint = client.chooseEndpoint() {
            let start = ContinuousClock.now
            let (failure, compute) = runRemotely(on: endpoint)
            client.record(endpoint, failure: failure)
            if failure == nil {
                // What the remote costs over running the same pass here: everything but the worker's compute.
                if let compute { client.statistics.recordOverhead(max(.zero, ContinuousClock.now - start - compute)) }
                ranRemotely = true
                return
            }
            client.statistics.fellBack(because: .failed)
        } else {
            client.statistics.fellBack(because: .unavailable)
        }
        ranRemotely = false
        try local.run()
    }

    /// One remote inference into `remoteOutputs`: the failure, if any, and the worker's compute time if it said.
    private func runRemotely(on endpoint: Int) -> (RemoteFailure?, Duration?) {
        // The inputs go out from the local model's buffers, where the caller wrote them.
        let tensors = inputs.indices.map { UnsafeRawBufferPointer(rebasing: local.input($0)[0..<inputs[$0].byteCount]) }
        switch client.infer(header: requestHeader, tensors: tensors, model: modelName, on: connections[endpoint]) {
        case .failure(let failure): return (failure, nil)
        case .success((let response, let timing)):
            for (position, expected) in outputs.enumerated() {
                guard let output = response.outputs.first(where: { $0.name == expected.name }) else {
                    return (.malformed("no output '\(expected.name)'"), nil)
                }
                guard output.metadata == expected else {
                    return (
                        .malformed(
                            "output '\(expected.name)' is \(output.datatype.rawValue) \(output.shape), expected "
                                + "\(expected.datatype.rawValue) \(expected.shape)"), nil
                    )
                }
                output.bytes.withUnsafeBytes { remoteOutputs[position].copyMemory(from: $0) }
            }
            return (nil, timing.compute)
        }
    }

    /// Nil when `metadata` describes this model's inputs and outputs (by name, type and shape), else what differs.
    func mismatch(with metadata: ModelMetadata) -> String? {
        for expected in inputs + outputs {
            let served =
                metadata.inputs.first { $0.name == expected.name }
                ?? metadata.outputs.first { $0.name == expected.name }
            guard let served else { return "no tensor '\(expected.name)'" }
            guard served == expected else {
                return "'\(expected.name)' as \(served.datatype.rawValue) \(served.shape), expected "
                    + "\(expected.datatype.rawValue) \(expected.shape)"
            }
        }
        return nil
    }
}
