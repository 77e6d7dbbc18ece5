import KServe
import SSDService

/// How `FaultyModel` misbehaves.
enum Fault: Sendable, Equatable, CustomStringConvertible {
    case wrongShape, missingOutput, slow, failing, otherMetadata

    /// The failure kind the remote backend should count.
    var expectedKind: String {
        switch self {
        case .wrongShape, .missingOutput, .otherMetadata: "malformed"
        case .slow: "timeout"
        case .failing: "status"
        }
    }

    var description: String { "\(self.expectedKind)" }
}

/// A worker's model that answers wrongly, late, or with an error.
struct FaultyModel: TensorModel {
    let base: NetworkService
    let fault: Fault

    var metadata: ModelMetadata {
        var metadata = base.metadata
        if case .otherMetadata = fault { metadata.outputs[1].shape = [1, 1917, 2] }
        return metadata
    }

    func infer(_ request: InferenceRequest) async throws(KServeError) -> [InferenceTensor] {
        var outputs = try await base.infer(request)
        switch fault {
        case .wrongShape:
            outputs[1].shape = [1, 91, 1917]
        case .missingOutput:
            outputs[1].name = "other"
        case .slow:
            try? await Task.sleep(for: .seconds(3))
        case .failing:
            throw KServeError(status: 500, "the accelerator is lost")
        case .otherMetadata:
            break
        }
        return outputs
    }
}
