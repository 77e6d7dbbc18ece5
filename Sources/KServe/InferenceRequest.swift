/// A `POST /v2/models/{name}/infer` request: its inputs with their data, and which outputs to return how.
public struct InferenceRequest: Sendable, Equatable {
    /// The client's request id, echoed in the response.
    public var id: String?
    /// The inputs, data included.
    public var inputs: [InferenceTensor]
    /// The outputs asked for, by name; nil: every output of the model.
    public var outputs: [RequestedOutput]?
    /// The request's `binary_data_output` parameter: outputs that do not say otherwise come back as binary data.
    public var binaryOutputs: Bool

    /// One output a request asks for.
    public struct RequestedOutput: Sendable, Equatable {
        /// The output's name.
        public var name: String
        /// Its `binary_data` parameter; nil: the request's `binaryOutputs`.
        public var binary: Bool?

        /// An output by name, binary or JSON as `binary` says (nil: as the request says).
        public init(name: String, binary: Bool? = nil) {
            self.name = name
            self.binary = binary
        }
    }

    /// What a request may carry, checked before anything is allocated for it.
    public struct Limits: Sendable, Equatable {
        /// Dimensions of one tensor.
        public static let maximumRank = 8
        /// Inputs (and requested outputs) of one request.
        public var maximumTensors: Int
        /// Elements of one input.
        public var maximumElements: Int
        /// Characters of a tensor name or request id.
        public var maximumNameLength: Int
        /// Bytes of the JSON part of a body. Parsed JSON takes about 90 bytes a number (Foundation boxes each), so
        /// JSON data is bounded well below the body limit: 4 MB is a 300x300x3 image in JSON with room to spare;
        /// larger tensors go binary, which costs no more than its bytes.
        public var maximumJSONBytes: Int

        /// Defaults: 16 tensors of at most 64 Mi elements, names of at most 256 characters, 4 MB of JSON.
        public init(
            maximumTensors: Int = 16, maximumElements: Int = 64 << 20, maximumNameLength: Int = 256,
            maximumJSONBytes: Int = 4 << 20
        ) {
            self.maximumTensors = maximumTensors
            self.maximumElements = maximumElements
            self.maximumNameLength = maximumNameLength
            self.maximumJSONBytes = maximumJSONBytes
        }
    }

    /// A request from its parts (a client's, or a test's).
    public init(
        id: String? = nil, inputs: [InferenceTensor], outputs: [RequestedOutput]? = nil, binaryOutputs: Bool = false
    ) {
        self.id = id
        self.inputs = inputs
        self.outputs = outputs
        self.binaryOutputs = binaryOutputs
    }

    /// For each of `modelOutputs`, whether the response carries it and as binary data: the outputs asked for (each
    /// must exist), or all of them. Throws 400 naming an output the model lacks.
    public func selectOutputs(of modelOutputs: [TensorMetadata]) throws(KServeError) -> [(index: Int, binary: Bool)] {
        guard let outputs else { return modelOutputs.indices.map { ($0, binaryOutputs) } }
        var selected: [(index: Int, binary: Bool)] = []
        for output in outputs {
            guard let index = modelOutputs.firstIndex(where: { $0.name == output.name }) else {
                let names = modelOutputs.map { "'\($0.name)'" }.joined(separator: ", ")
                throw .badRequest("the model has no output '\(output.name)'; its outputs: \(names)")
            }
            selected.append((index, output.binary ?? binaryOutputs))
        }
        return selected
    }

    /// Throws 400 unless the inputs are exactly the model's, by name, each with its datatype and shape.
    public func checkInputs(against modelInputs: [TensorMetadata]) throws(KServeError) {
        for input in inputs {
            guard let expected = modelInputs.first(where: { $0.name == input.name }) else {
                let names = modelInputs.map { "'\($0.name)'" }.joined(separator: ", ")
                throw .badRequest("the model has no input '\(input.name)'; its inputs: \(names)")
            }
            guard input.datatype == expected.datatype, input.shape == expected.shape else {
                throw .badRequest(
                    "input '\(input.name)' is \(input.datatype.rawValue) \(input.shape); the model takes "
                        + "\(expected.datatype.rawValue) \(expected.shape)")
            }
        }
        for expected in modelInputs where !inputs.contains(where: { $0.name == expected.name }) {
            throw .badRequest("input '\(expected.name)' is missing")
        }
    }
}
