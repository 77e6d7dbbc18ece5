/// A model a KServe v2 server can serve: its metadata and inference on raw tensors. Implementations are shared by
/// all requests, so they must be safe to call from several at once.
public protocol TensorModel: Sendable {
    /// What `GET /v2/models/{name}` answers.
    var metadata: ModelMetadata { get }

    /// Runs `request`, whose inputs the server has already checked against `metadata` (names, types, shapes), and
    /// returns every output of the model in `metadata.outputs`' order, with the time its own work took.
    func infer(_ request: InferenceRequest) async throws(KServeError) -> ModelAnswer
}
