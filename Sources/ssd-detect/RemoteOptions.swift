import ArgumentParser
import RemoteBackend
import SSD

/// The flags of `--backend remote`, shared by detect, bench and serve.
struct RemoteOptions: ParsableArguments {
    @Option(
        help:
            "KServe v2 servers for --backend remote, comma-separated (http://gpu-host:8000,...); requests are spread over them."
    )
    var remote: String?

    @Option(
        help: "The model's name on the remote servers (default: the model's own, as `ssd-detect worker` serves it).")
    var remoteModel: String?

    @Option(help: "Milliseconds a remote inference may take before it runs locally instead (1...60000).")
    var remoteTimeoutMs = 2000

    func validate() throws {
        guard (1...60000).contains(remoteTimeoutMs) else {
            throw ValidationError("--remote-timeout-ms must be between 1 and 60000; got \(remoteTimeoutMs)")
        }
    }

    /// Throws when --remote or --remote-model is given for another backend, which would silently ignore them.
    func validate(for backend: BackendChoice) throws {
        guard backend == .remote || (remote == nil && remoteModel == nil) else {
            throw ValidationError("--remote and --remote-model need --backend remote")
        }
    }

    /// The remotes' client, for `--backend remote`, asking for `model` unless --remote-model names another: a
    /// usage error without --remote or with a malformed URL.
    func client(model: ModelManifest?) throws -> RemoteClient {
        guard let remote else { throw ValidationError("--backend remote needs --remote URL[,URL...]") }
        let endpoints = remote.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        do {
            return try RemoteClient(
                configuration: RemoteConfiguration(
                    endpoints: endpoints, modelName: remoteModel ?? model?.servingName,
                    timeout: .milliseconds(remoteTimeoutMs)))
        } catch {
            throw ValidationError(error.description)
        }
    }
}
