/// What `POST /v2/models/{name}/infer` answers: the outputs asked for, each as JSON data or binary data.
public struct InferenceResponse: Sendable, Equatable {
    /// The model that answered.
    public var modelName: String
    /// The request's id, echoed.
    public var id: String?
    /// The outputs, in the order they were asked for (or the model's order).
    public var outputs: [InferenceTensor]

    /// A response from its parts.
    public init(modelName: String, id: String? = nil, outputs: [InferenceTensor]) {
        self.modelName = modelName
        self.id = id
        self.outputs = outputs
    }

    /// The body and, when any output is binary, the `Inference-Header-Content-Length`; `binary[i]` says how
    /// output i is sent.
    public func encoded(binary: [Bool]) -> (body: [UInt8], headerLength: Int?) {
        precondition(binary.count == outputs.count, "one flag per output")
        let jsonBytes = zip(outputs, binary).reduce(0) { $0 + ($1.1 ? 0 : $1.0.bytes.count * 4) }
        var writer = JSONWriter(reservingCapacity: 256 + jsonBytes)
        writer.objectStart()
        writer.key("model_name")
        writer.string(modelName)
        if let id {
            writer.key("id")
            writer.string(id)
        }
        writer.key("outputs")
        writer.arrayStart()
        for (output, isBinary) in zip(outputs, binary) {
            writer.tensorHeader(output.metadata, binaryDataSize: isBinary ? output.bytes.count : nil, closed: isBinary)
            if !isBinary {
                writer.key("data")
                TensorElements.writeJSON(output.bytes, datatype: output.datatype, into: &writer)
                writer.objectEnd()
            }
        }
        writer.arrayEnd()
        writer.objectEnd()
        guard binary.contains(true) else { return (writer.bytes, nil) }
        let headerLength = writer.bytes.count
        var body = writer.bytes
        for (output, isBinary) in zip(outputs, binary) where isBinary { body += output.bytes }
        return (body, headerLength)
    }

    /// Parses a response body (a client's side of the protocol); `headerLength` as for requests.
    public init(body: [UInt8], headerLength: Int?, limits: InferenceRequest.Limits = .init()) throws(KServeError) {
        var message = try MessageBody(body, headerLength: headerLength, maximumJSONBytes: limits.maximumJSONBytes)
        modelName = try MessageBody.name(message.header["model_name"], at: "model_name", limits: limits)
        id = message.header["id"] as? String
        outputs = try message.tensors("outputs", limits: limits, required: true)
        try message.finish()
    }
}
