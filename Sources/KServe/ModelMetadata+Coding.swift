extension ModelMetadata {
    /// The JSON of `GET /v2/models/{name}`.
    public var encoded: [UInt8] {
        var writer = JSONWriter()
        writer.objectStart()
        writer.key("name")
        writer.string(name)
        writer.key("versions")
        writer.arrayStart()
        writer.string("1")
        writer.arrayEnd()
        writer.key("platform")
        writer.string(platform)
        for (key, tensors) in [("inputs", inputs), ("outputs", outputs)] {
            writer.key(key)
            writer.arrayStart()
            for tensor in tensors { writer.tensorHeader(tensor, binaryDataSize: nil) }
            writer.arrayEnd()
        }
        writer.objectEnd()
        return writer.bytes
    }

    /// Parses a metadata response (a client checking a server's model before sending it requests).
    public init(body: [UInt8], limits: InferenceRequest.Limits = .init()) throws(KServeError) {
        let message = try MessageBody(body, headerLength: nil, maximumJSONBytes: limits.maximumJSONBytes)
        name = try MessageBody.name(message.header["name"], at: "name", limits: limits)
        platform = message.header["platform"] as? String ?? ""
        inputs = try Self.tensors(message.header["inputs"], key: "inputs", limits: limits)
        outputs = try Self.tensors(message.header["outputs"], key: "outputs", limits: limits)
    }

    private static func tensors(_ value: Any?, key: String, limits: InferenceRequest.Limits) throws(KServeError)
        -> [TensorMetadata]
    {
        guard let list = value as? [Any], list.count <= limits.maximumTensors else {
            throw .badRequest("'\(key)' must be a list of at most \(limits.maximumTensors) tensors")
        }
        var tensors: [TensorMetadata] = []
        for (position, entry) in list.enumerated() {
            guard let object = entry as? [String: Any] else {
                throw .badRequest("\(key)[\(position)] must be an object")
            }
            let name = try MessageBody.name(object["name"], at: "\(key)[\(position)].name", limits: limits)
            guard let typeName = object["datatype"] as? String, let datatype = TensorDataType(rawValue: typeName),
                let dimensions = object["shape"] as? [Any], dimensions.count <= InferenceRequest.Limits.maximumRank
            else { throw .badRequest("\(key)[\(position)]: datatype or shape is not one of this protocol's") }
            // -1 is a variable dimension in other servers' metadata: kept, so that a comparison fails by name.
            let shape = dimensions.map { MessageBody.integer($0) ?? -1 }
            tensors.append(TensorMetadata(name: name, datatype: datatype, shape: shape))
        }
        return tensors
    }
}
