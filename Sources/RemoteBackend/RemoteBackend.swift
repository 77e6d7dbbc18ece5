import Engine
import KServe

/// Runs the network on a remote KServe v2 server (`ssd-detect worker` on a GPU host, Triton, a KServe model
/// server), keeping decoding, preprocessing and postprocessing here, in the spirit of Elastic Inference: the static
/// input tensor goes out with the binary tensor data extension, the raw heads come back.
///
/// Every model it prepares is also prepared on `fallback` (a local CPU backend): when a remote fails (refused,
/// timeout, an HTTP error, an answer of the wrong shape) or every remote's breaker is open, the inference runs
/// there instead, and the request is answered all the same.
public struct RemoteBackend: Backend {
    /// The remotes, shared by every detector of the process.
    public let client: RemoteClient
    /// Where inferences run when no remote can.
    public let fallback: any Backend

    /// A backend sending to `client`'s remotes, falling back to `fallback`.
    public init(client: RemoteClient, fallback: any Backend) {
        self.client = client
        self.fallback = fallback
    }

    /// "remote".
    public var name: String { "remote" }

    /// The fallback's answer: whatever runs remotely must also run here.
    public func unsupportedReason(for node: Node, in graph: Graph) -> String? {
        fallback.unsupportedReason(for: node, in: graph)
    }

    /// Prepares `graph` on the fallback, then asks each reachable remote, once per process, for the model's
    /// metadata: one that serves no such model (404) or other inputs or outputs is a misconfiguration, refused
    /// here rather than run locally on every request. A remote that cannot be reached is not an error (the
    /// fallback serves until it comes back). Extra outputs are refused: a remote serves the graph's own.
    public func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel {
        guard options.extraOutputs.isEmpty else {
            throw .invalidOption(name: "extraOutputs", value: "\(options.extraOutputs)", allowed: "none on a remote")
        }
        let local = try fallback.prepare(graph, options: options)
        let model = RemoteModel(client: client, local: local, modelName: client.configuration.modelName ?? graph.name)
        for (endpoint, url) in client.configuration.endpoints.enumerated()
        where !client.markChecked(endpoint, model: model.modelName) {
            switch client.metadata(model: model.modelName, endpoint: endpoint) {
            case .success(let metadata):
                if let mismatch = model.mismatch(with: metadata) {
                    throw .backendUnavailable(backend: name, reason: "\(url) serves \(mismatch)")
                }
            case .failure(.status(404, _)):
                throw .backendUnavailable(
                    backend: name, reason: "\(url) serves no model '\(model.modelName)' (--remote-model names it)")
            case .failure: continue
            }
        }
        return model
    }
}
