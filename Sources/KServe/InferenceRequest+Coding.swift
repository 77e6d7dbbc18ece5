extension InferenceRequest {
    /// Parses a request body; `headerLength` is the `Inference-Header-Content-Length` header (nil: all JSON). Every
    /// count, size and name is checked against `limits` and the body before anything is allocated for it.
    public init(body: [UInt8], headerLength: Int?, limits: Limits = Limits()) throws(KServeError) {
        var message = try MessageBody(body, headerLength: headerLength, maximumJSONBytes: limits.maximumJSONBytes)
        let header = message.header
        id = try header["id"].map { (value) throws(KServeError) in
            try MessageBody.name(value, at: "id", limits: limits)
        }
        let parameters = try MessageBody.parameters(header["parameters"], at: "the request")
        binaryOutputs = try Self.flag(parameters["binary_data_output"], "binary_data_output") ?? false
        inputs = try message.tensors("inputs", limits: limits, required: true)
        try message.finish()
        guard let requested = header["outputs"] else {
            outputs = nil
            return
        }
        guard let list = requested as? [Any], list.count <= limits.maximumTensors else {
            throw .badRequest("'outputs' must be a list of at most \(limits.maximumTensors) outputs")
        }
        var outputs: [RequestedOutput] = []
        for (position, entry) in list.enumerated() {
            guard let object = entry as? [String: Any] else {
                throw .badRequest("outputs[\(position)] must be an object")
            }
            let name = try MessageBody.name(object["name"], at: "outputs[\(position)].name", limits: limits)
            let parameters = try MessageBody.parameters(object["parameters"], at: "output '\(name)'")
            outputs.append(RequestedOutput(name: name, binary: try Self.flag(parameters["binary_data"], "binary_data")))
        }
        self.outputs = outputs
    }

    /// The body and `Inference-Header-Content-Length` of this request, each input's data in binary.
    public func encoded() -> (body: [UInt8], headerLength: Int) {
        var body = encodedHeader()
        let headerLength = body.count
        body.reserveCapacity(headerLength + inputs.reduce(0) { $0 + $1.bytes.count })
        for input in inputs { body += input.bytes }
        return (body, headerLength)
    }

    /// The JSON part of `encoded()`'s body, each input declared binary with its data's size, or with
    /// `binaryDataSizes`' when given: a client that keeps its inputs' bytes elsewhere sends this, then them in order.
    public func encodedHeader(binaryDataSizes: [Int]? = nil) -> [UInt8] {
        precondition(binaryDataSizes == nil || binaryDataSizes?.count == inputs.count, "one size per input")
        var writer = JSONWriter()
        writer.objectStart()
        if let id {
            writer.key("id")
            writer.string(id)
        }
        if binaryOutputs {
            writer.key("parameters")
            writer.objectStart()
            writer.key("binary_data_output")
            writer.bool(true)
            writer.objectEnd()
        }
        writer.key("inputs")
        writer.arrayStart()
        for (position, input) in inputs.enumerated() {
            writer.tensorHeader(input.metadata, binaryDataSize: binaryDataSizes?[position] ?? input.bytes.count)
        }
        writer.arrayEnd()
        if let outputs {
            writer.key("outputs")
            writer.arrayStart()
            for output in outputs {
                writer.objectStart()
                writer.key("name")
                writer.string(output.name)
                if let binary = output.binary {
                    writer.key("parameters")
                    writer.objectStart()
                    writer.key("binary_data")
                    writer.bool(binary)
                    writer.objectEnd()
                }
                writer.objectEnd()
            }
            writer.arrayEnd()
        }
        writer.objectEnd()
        return writer.bytes
    }

    /// A boolean parameter, or nil when absent; 400 when it is not a boolean.
    private static func flag(_ value: Any?, _ name: String) throws(KServeError) -> Bool? {
        guard let value else { return nil }
        guard let flag = MessageBody.boolean(value) else {
            throw .badRequest("parameter '\(name)' must be true or false")
        }
        return flag
    }
}
