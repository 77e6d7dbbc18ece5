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

    /// Prepares `graph` on the fallback, then asks each reachable remote for the model's metadata: one that
    /// serves other inputs or outputs is a misconfiguration, refused here rather than on every request. A remote
    /// that cannot be reached is not an error (the fallback serves until it comes back).
    public func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel {
        let local = try fallback.prepare(graph, options: options)
        let model = RemoteModel(client: client, local: local, modelName: client.configuration.modelName ?? graph.name)
        for endpoint in client.configuration.endpoints.indices {
            guard case .success(let metadata) = client.metadata(model: model.modelName, endpoint: endpoint) else {
                continue
            }
            if let mismatch = model.mismatch(with: metadata) {
                throw .backendUnavailable(
                    backend: name, reason: "\(client.configuration.endpoints[endpoint]) serves \(mismatch)")
            }
        }
        return model
    }
}
