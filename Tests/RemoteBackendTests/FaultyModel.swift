import KServe
import Synchronization
import SSDService

/// How `FaultyModel` misbehaves.
enum Fault: Sendable, Equatable {
    case wrongShape, wrongType, missingOutput, slow, failing, otherMetadata

    /// The failure kind the remote backend should count.
    var expectedKind: String {
        switch self {
        case .wrongShape, .wrongType, .otherMetadata: "malformed"
        // A server that lacks an output asked for answers 400.
        case .missingOutput: "status"
        case .slow: "timeout"
        case .failing: "status"
        }
    }
}

/// Whether a `FaultyModel` misbehaves yet: it answers as it should until the client has checked its metadata.
final class FaultSwitch: Sendable {
    private let on = Mutex(false)
    var isOn: Bool { on.withLock { $0 } }
    func turnOn() { on.withLock { $0 = true } }
}

/// A worker's model that answers wrongly, late, or with an error, once `faulty` is on. Its metadata then describes
/// its wrong outputs, so that the server (which checks outputs against metadata) sends them on.
struct FaultyModel: TensorModel {
    let base: NetworkService
    let fault: Fault
    let faulty: FaultSwitch

    var metadata: ModelMetadata {
        var metadata = base.metadata
        if case .otherMetadata = fault { metadata.outputs[1].shape = [1, 1917, 2] }
        if faulty.isOn {
            metadata.outputs = Self.damage(
                metadata.outputs.map { .init(name: $0.name, datatype: $0.datatype, shape: $0.shape, bytes: []) }, fault
            ).map(\.metadata)
        }
        return metadata
    }

    static func damage(_ outputs: [InferenceTensor], _ fault: Fault) -> [InferenceTensor] {
        var outputs = outputs
        switch fault {
        case .wrongShape: outputs[1].shape = [1, 91, 1917]
        case .wrongType: outputs[0].datatype = .int8
        case .missingOutput: outputs[1].name = "other"
        default: break
        }
        return outputs
    }

    func infer(_ request: InferenceRequest) async throws(KServeError) -> ModelAnswer {
        var answer = try await base.infer(request)
        answer.outputs = Self.damage(answer.outputs, faulty.isOn ? fault : .otherMetadata)
        guard faulty.isOn else { return answer }
        switch fault {
        case .wrongShape, .wrongType, .missingOutput, .otherMetadata:
            break
        case .slow:
            try? await Task.sleep(for: .seconds(3))
        case .failing:
            throw KServeError(status: 500, "the accelerator is lost")
        }
        return answer
    }
}
