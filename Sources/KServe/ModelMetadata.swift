/// What `GET /v2/models/{name}` answers: the model's name, platform, and its inputs and outputs.
public struct ModelMetadata: Sendable, Equatable {
    /// The name in the model's URLs.
    public var name: String
    /// What runs it ("ssd-detect-cpu", "ssd-detect-accelerator"): the protocol's free-form platform string.
    public var platform: String
    /// The inputs, in the order an inference request gives them.
    public var inputs: [TensorMetadata]
    /// The outputs, in the model's order.
    public var outputs: [TensorMetadata]

    /// Metadata from its parts.
    public init(name: String, platform: String, inputs: [TensorMetadata], outputs: [TensorMetadata]) {
        self.name = name
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }
}
