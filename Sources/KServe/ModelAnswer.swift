/// What a `TensorModel` answers: every output, and where the time went inside the model, which the server reports
/// in a `Server-Timing` header so that a client can tell the model's own time from the transport's.
public struct ModelAnswer: Sendable, Equatable {
    /// Every output of the model, in its metadata's order.
    public var outputs: [InferenceTensor]
    /// How the model's time was spent (waiting for a free network, the pass itself); empty when unknown.
    public var timing: ServerTiming

    /// An answer from its parts.
    public init(outputs: [InferenceTensor], timing: ServerTiming = ServerTiming()) {
        self.outputs = outputs
        self.timing = timing
    }
}
