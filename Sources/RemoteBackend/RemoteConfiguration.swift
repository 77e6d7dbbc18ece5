/// Where a remote backend sends the network's input, and how long it waits.
public struct RemoteConfiguration: Sendable {
    /// Base URLs of KServe v2 servers (`http://gpu-host:8000`); requests are spread over those whose breaker is
    /// closed.
    public var endpoints: [String]
    /// The model's name on the servers; nil: the graph's own name. (`ssd-detect` passes the model's serving name,
    /// `ModelManifest.servingName`, which is what `ssd-detect worker` serves it as.)
    public var modelName: String?
    /// How long one remote inference may take, connection included, before the local backend runs it instead.
    public var timeout: Duration
    /// How long a remote that failed is left alone before a trial request; doubled after each failed trial.
    public var firstBackOff: Duration
    /// The longest back-off.
    public var maximumBackOff: Duration

    /// Defaults: a 2 s timeout (a GPU inference takes milliseconds: two seconds is a stuck remote), back-off from
    /// 0.25 s to 2 s: a worker that comes back gets traffic within 2 s, and a dead one costs one request in 2 s a
    /// failed attempt (a refused connection costs well under a millisecond; a stuck one, the timeout).
    public init(
        endpoints: [String], modelName: String? = nil, timeout: Duration = .seconds(2),
        firstBackOff: Duration = .milliseconds(250), maximumBackOff: Duration = .seconds(2)
    ) {
        self.endpoints = endpoints
        self.modelName = modelName
        self.timeout = timeout
        self.firstBackOff = firstBackOff
        self.maximumBackOff = maximumBackOff
    }
}
