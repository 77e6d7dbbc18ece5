/// A remote configuration that cannot work: a malformed URL, no endpoint, a non-positive timeout.
public struct RemoteConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
