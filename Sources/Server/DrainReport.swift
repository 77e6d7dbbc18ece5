/// What a server's shutdown left behind.
public struct DrainReport: Sendable {
    /// Invocations that the grace period cut off: their answers may never have reached the client.
    public var cutOffInvocations: Int
}
