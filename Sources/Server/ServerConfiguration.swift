/// Where and how the service listens, and every bound it keeps on what clients can make it spend.
public struct ServerConfiguration: Sendable {
    /// The address to listen on (0.0.0.0: every interface).
    public var host: String
    /// The port (SageMaker's is 8080; 0 picks a free one).
    public var port: Int
    /// The folder (or file) `modelFn` loads.
    public var modelDirectory: String
    /// Larger bodies get 413, and the connection is closed (SageMaker real-time endpoints accept 6 MB).
    public var maximumBodyBytes: Int
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    public var gracePeriod: Duration
    /// Invocations admitted at once (read, decoded, queued or running); more wait in line, their body unread.
    /// Nil: no bound here (the handler's own queue still refuses).
    public var maximumInvocations: Int?
    /// How long an invocation that finds the server full waits in line for a place before it gets 503; zero:
    /// refused at once. Waiting spares the cores the retries of refused clients would take.
    public var admissionWait: Duration
    /// Open connections; more wait in the listen backlog until one closes.
    public var maximumConnections: Int
    /// The request line and headers, in bytes; more gets 431.
    public var maximumHeaderBytes: Int
    /// Time for a new connection's first request head to arrive (408 after it).
    public var headerTimeout: Duration
    /// Time for a request's body to arrive whole after its head (408 after it).
    public var bodyTimeout: Duration
    /// Time an idle kept-alive connection waits for its next request.
    public var keepAliveTimeout: Duration
    /// After SIGTERM, how long an idle kept-alive connection stays open, answering 503 to a request that comes on
    /// it rather than resetting the client, before it closes.
    public var drainLinger: Duration

    /// The defaults are the `serve` command's, except the invocation bound, which it sets from the workers.
    public init(
        host: String = "0.0.0.0", port: Int = 8080, modelDirectory: String,
        maximumBodyBytes: Int = 6 * 1024 * 1024, gracePeriod: Duration = .seconds(30), maximumInvocations: Int? = nil,
        admissionWait: Duration = .milliseconds(100), maximumConnections: Int = 512,
        maximumHeaderBytes: Int = 16 * 1024,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30), keepAliveTimeout: Duration = .seconds(75),
        drainLinger: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.modelDirectory = modelDirectory
        self.maximumBodyBytes = maximumBodyBytes
        self.gracePeriod = gracePeriod
        self.maximumInvocations = maximumInvocations
        self.admissionWait = admissionWait
        self.maximumConnections = maximumConnections
        self.maximumHeaderBytes = maximumHeaderBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.drainLinger = drainLinger
    }
}
