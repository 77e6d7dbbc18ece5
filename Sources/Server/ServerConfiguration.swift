/// Where and how the service listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The folder (or file) `modelFn` loads.
    public var modelDirectory: String
    /// Larger bodies get 413 (SageMaker real-time endpoints accept 6 MB).
    public var maximumBodyBytes: Int
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    public var gracePeriod: Duration

    public init(host: String = "0.0.0.0", port: Int = 8080, modelDirectory: String,
        maximumBodyBytes: Int = 6 * 1024 * 1024, gracePeriod: Duration = .seconds(30))
    {
        self.host = host
        self.port = port
        self.modelDirectory = modelDirectory
        self.maximumBodyBytes = maximumBodyBytes
        self.gracePeriod = gracePeriod
    }
}
