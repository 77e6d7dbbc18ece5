/// One pass over an ONNX graph's nodes, in order, building the engine's graph: ONNX values by name map to
/// constants (folded at load) or to engine tensors.
struct ONNXGraphBuilder {
    /// What an ONNX value name stands for.
    enum Value {
        case constant(ONNXConstant)
        /// An engine tensor; `channelsFirst` when ONNX sees it as NCHW but the engine stores it NHWC.
        case activation(Int, channelsFirst: Bool)
    }

    let model: ONNXProto.Model
    let bytes: [UInt8]
    var graph: Graph
    var values: [String: Value] = [:]
    /// How many node inputs and graph outputs read each value: an op is fused into its producer only when it
    /// is the producer's one reader.
    var readers: [String: Int] = [:]
    let graphOutputNames: Set<String>
    /// The node that writes each engine tensor.
    var producer: [Int: Int] = [:]
    /// Engine tensors made from initializers, by name: one copy however many nodes read one.
    var materialized: [String: Int] = [:]

    init(model: ONNXProto.Model, bytes: [UInt8], name: String) throws(ModelError) {
        self.model = model
        self.bytes = bytes
        graph = Graph(name: name, tensors: [], nodes: [], inputs: [], outputs: [])
        guard !model.graph.nodes.isEmpty || !model.graph.outputs.isEmpty else {
            throw .invalid("not an ONNX model: no graph (or an empty one)")
        }
        guard ONNXLoader.supportedOpsets.contains(model.opsetVersion) else {
            throw .unsupported(
                "ONNX opset \(model.opsetVersion); the loader implements opsets \(ONNXLoader.supportedOpsets)")
        }
        for node in model.graph.nodes {
            for input in node.inputs where !input.isEmpty { readers[input, default: 0] += 1 }
        }
        for output in model.graph.outputs { readers[output.name, default: 0] += 1 }
        graphOutputNames = Set(model.graph.outputs.map(\.name))
    }

    mutating func build(channelsFirstInput: Bool) throws(ModelError) -> Graph {
        for initializer in model.graph.initializers {
            values[initializer.name] = .constant(try constant(initializer, what: "initializer \(initializer.name)"))
        }
        // Old exporters list the initializers among the inputs too: only the others are fed per request.
        for input in model.graph.inputs where values[input.name] == nil {
            try addGraphInput(input, channelsFirst: channelsFirstInput)
        }
        guard !graph.inputs.isEmpty else { throw .invalid("the graph has no input that is not an initializer") }
        for (position, node) in model.graph.nodes.enumerated() {
            try convert(node, label: "node \(position) '\(node.name)' (\(node.opType))")
        }
        for output in model.graph.outputs {
            switch values[output.name] {
            case .activation(let index, channelsFirst: false):
                graph.outputs.append(index)
            case .activation(_, channelsFirst: true):
                throw .unsupported(
                    "graph output \(output.name) is a channels-first (NCHW) activation; the engine outputs NHWC "
                        + "(end the graph with a Transpose to NHWC or a Reshape)")
            case .constant: throw .unsupported("graph output \(output.name) is a constant")
            case nil: throw .invalid("graph output \(output.name) is never written")
            }
        }
        guard !graph.outputs.isEmpty else { throw .invalid("the graph has no outputs") }
        return try graph.validated()
    }

    /// A graph input: float32, every dim fixed (a symbolic batch dim is fixed to 1: one image per request).
    private mutating func addGraphInput(_ input: ONNXProto.ValueInfo, channelsFirst: Bool) throws(ModelError) {
        guard input.elementType == 1 else {
            throw .unsupported(
                "graph input \(input.name) has element type \(input.elementType); the loader takes float (1) inputs")
        }
        var shape: [Int] = []
        for (axis, dimension) in input.dims.enumerated() {
            switch dimension {
            case .value(let size) where size >= 1 && size <= Int64(Int32.max): shape.append(Int(size))
            case .symbolic where axis == 0: shape.append(1)
            case .symbolic(let name):
                throw .unsupported(
                    "graph input \(input.name) has a dynamic dim \(axis) ('\(name)'); shapes must be static")
            case .value(let size): throw .invalid("graph input \(input.name) has dim \(axis) = \(size)")
            }
        }
        let layoutChanges = channelsFirst && shape.count == 4
        if layoutChanges { shape = [shape[0], shape[2], shape[3], shape[1]] }
        graph.tensors.append(Tensor(name: input.name, shape: shape, dataType: .float32))
        graph.inputs.append(graph.tensors.count - 1)
        values[input.name] = .activation(graph.tensors.count - 1, channelsFirst: layoutChanges)
    }

    /// ONNX's view of a value's shape (NCHW for a channels-first activation).
    func logicalShape(_ value: Value) -> [Int] {
        switch value {
        case .constant(let constant): return constant.shape
        case .activation(let index, let channelsFirst):
            let shape = graph.tensors[index].shape
            return channelsFirst ? [shape[0], shape[3], shape[1], shape[2]] : shape
        }
    }

    /// The engine tensor of `value`: an activation's own, or a constant made into one (once per initializer name).
    mutating func tensorIndex(_ value: Value, name: String) -> Int {
        switch value {
        case .activation(let index, _): return index
        case .constant(let constant):
            if let index = materialized[name] { return index }
            graph.tensors.append(constant.tensor(name: name))
            materialized[name] = graph.tensors.count - 1
            return graph.tensors.count - 1
        }
    }

    /// A new constant engine tensor (a re-laid filter, a folded bias).
    mutating func addConstant(_ constant: ONNXConstant, name: String) -> Int {
        graph.tensors.append(constant.tensor(name: name))
        return graph.tensors.count - 1
    }

    /// Appends `operation` writing a new tensor named `output`, infers its shape (`declaredShape` for reshapes) and
    /// binds the ONNX value `output` to it.
    @discardableResult
    mutating func emit(
        _ operation: Operation, inputs: [Int], output: String, channelsFirst: Bool = false, declaredShape: [Int] = [],
        label: String
    ) throws(ModelError) -> Int {
        let dataType = graph.tensors[inputs[0]].dataType
        graph.tensors.append(Tensor(name: output, shape: declaredShape, dataType: dataType))
        let index = graph.tensors.count - 1
        let node = Node(operation: operation, inputs: inputs, outputs: [index])
        guard let shape = try graph.inferOutputShapes(node, label: label).first else {
            throw .invalid("\(label) computes nothing")
        }
        graph.tensors[index].shape = shape
        graph.nodes.append(node)
        producer[index] = graph.nodes.count - 1
        values[output] = .activation(index, channelsFirst: channelsFirst)
        return index
    }

    /// Whether the node that wrote engine tensor `index` may take the next op into itself: the tensor has exactly
    /// one reader and is no graph output, under every ONNX name it goes by. A Transpose, Identity or folded op
    /// gives a tensor another name (an alias) and is itself one read of it: of the reads of all its names, one per
    /// alias is such a read, and exactly one must remain.
    func isFusible(_ index: Int) -> Bool {
        let names = values.compactMap { name, value -> String? in
            if case .activation(index, _) = value { return name }
            return nil
        }
        guard !names.contains(where: graphOutputNames.contains) else { return false }
        return names.reduce(0) { $0 + readers[$1, default: 0] } - (names.count - 1) == 1
    }

    /// An initializer or Constant tensor as a constant, its size checked against its dims.
    func constant(_ tensor: ONNXProto.TensorData, what: String) throws(ModelError) -> ONNXConstant {
        guard !tensor.isExternal else { throw .unsupported("\(what) keeps its data in an external file") }
        var shape: [Int] = []
        var count = 1
        for dim in tensor.dims {
            guard dim >= 0, dim <= Int64(Int32.max) else { throw .invalid("\(what) has dim \(dim)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= Int(Int32.max) else { throw .invalid("\(what) has too many elements") }
            (shape, count) = (shape + [Int(dim)], product)
        }
        let dataType: DataType
        switch tensor.dataType {
        case 1: dataType = .float32
        case 2, 9: dataType = .uint8  // bool is stored as bytes
        case 3: dataType = .int8
        case 6: dataType = .int32
        case 7: dataType = .int64
        default: throw .unsupported("\(what) has ONNX element type \(tensor.dataType)")
        }
        func checkCount(_ found: Int) throws(ModelError) {
            guard found == count else { throw .invalid("\(what) holds \(found) elements for shape \(shape)") }
        }
        if let raw = tensor.rawData {
            guard raw.count == count * dataType.byteWidth else {
                throw .invalid("\(what) holds \(raw.count) bytes for shape \(shape)")
            }
            let base = raw.lowerBound
            func integer(_ i: Int) -> Int64 {
                let width = dataType.byteWidth
                var bits: UInt64 = 0
                for b in 0..<width { bits |= UInt64(bytes[base + i * width + b]) << (8 * b) }
                switch dataType {
                case .int8: return Int64(Int8(truncatingIfNeeded: bits))
                case .int32: return Int64(Int32(truncatingIfNeeded: bits))
                default: return Int64(bitPattern: bits)
                }
            }
            if dataType == .float32 {
                return ONNXConstant(shape: shape, floats: (0..<count).map { Float(bitPattern: UInt32(integer($0))) })
            }
            return ONNXConstant(shape: shape, dataType: dataType, integers: (0..<count).map(integer))
        }
        switch dataType {
        case .float32:
            try checkCount(tensor.floatData.count)
            return ONNXConstant(shape: shape, floats: tensor.floatData)
        case .int64:
            try checkCount(tensor.int64Data.count)
            return ONNXConstant(shape: shape, integers: tensor.int64Data)
        default:
            try checkCount(tensor.int32Data.count)
            return ONNXConstant(shape: shape, dataType: dataType, integers: tensor.int32Data)
        }
    }
}
