/// Reads a TFLite model (FlatBuffers, schema version 3) into a `Graph`.
///
/// Every offset and length is checked against the file; anything damaged, contradictory or beyond what the engine
/// implements becomes a `ModelError` naming it. Only this loader knows the TFLite format.
public enum TFLiteLoader {
    /// Loads the model in `bytes`; `name` (usually the file name) labels messages and the graph.
    public static func load(_ bytes: [UInt8], name: String) throws(ModelError) -> Graph {
        let file = FlatBuffer(bytes)
        guard file.fileIdentifier == TFLiteSchema.fileIdentifier else { throw .notTFLite(found: file.fileIdentifier) }
        do {
            return try Reader(file: file, name: name).graph()
        } catch let error as ModelError {
            throw error
        } catch let error as FlatBufferError {
            throw .malformed(error)
        } catch {
            throw .invalid("\(error)")
        }
    }
}

/// One pass over the file. Errors are FlatBufferError (damage) or ModelError (content); `load` sorts them out.
private struct Reader {
    typealias Schema = TFLiteSchema
    let file: FlatBuffer
    let name: String

    func graph() throws -> Graph {
        let model = try file.root()
        let version = try model.scalar(Schema.Model.version, default: UInt32(0))
        guard version == 3 else {
            throw ModelError.unsupported("schema version \(version); the loader reads version 3")
        }
        guard let subgraphs = try model.vector(Schema.Model.subgraphs, elementSize: 4), subgraphs.count > 0 else {
            throw ModelError.invalid("the model has no subgraph")
        }
        guard subgraphs.count == 1 else {
            throw ModelError.unsupported("\(subgraphs.count) subgraphs (control flow); the engine runs one")
        }
        let subgraph = try subgraphs.table(at: 0)
        let buffers = try model.vector(Schema.Model.buffers, elementSize: 4)
        let tensorTables = try subgraph.vector(Schema.SubGraph.tensors, elementSize: 4)
        var tensors: [Tensor] = []
        for index in 0..<(tensorTables?.count ?? 0) {
            tensors.append(try tensor(try tensorTables!.table(at: index), index: index, buffers: buffers))
        }
        let codes = try operatorCodes(model)
        let operatorTables = try subgraph.vector(Schema.SubGraph.operators, elementSize: 4)
        var nodes: [Node] = []
        for index in 0..<(operatorTables?.count ?? 0) {
            nodes.append(try node(try operatorTables!.table(at: index), index: index, codes: codes, tensors: tensors))
        }
        let inputs = try indices(
            subgraph.vector(Schema.SubGraph.inputs, elementSize: 4), count: tensors.count,
            what: "graph input")
        let outputs = try indices(
            subgraph.vector(Schema.SubGraph.outputs, elementSize: 4), count: tensors.count,
            what: "graph output")
        guard !inputs.isEmpty, !outputs.isEmpty else { throw ModelError.invalid("the graph has no inputs or outputs") }
        return Graph(name: name, tensors: tensors, nodes: nodes, inputs: inputs, outputs: outputs)
    }

    func tensor(_ table: FlatBufferTable, index: Int, buffers: FlatBufferVector?) throws -> Tensor {
        let tensorName = try table.string(Schema.Tensor.name) ?? "tensor \(index)"
        let dims = try table.vector(Schema.Tensor.shape, elementSize: 4)?.scalars(Int32.self) ?? []
        var count = 1
        for dim in dims {
            guard dim >= 0 else { throw ModelError.invalid("tensor \(tensorName) has a negative dimension \(dim)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= Int(Int32.max) else {
                throw ModelError.invalid("tensor \(tensorName) has shape \(dims), too many elements")
            }
            count = product
        }
        let code = try table.scalar(Schema.Tensor.type, default: UInt8(0))
        guard let dataType = Schema.dataType(code) else {
            throw ModelError.unsupported("tensor \(tensorName) has TFLite type code \(code)")
        }
        // TFLite's float kernels ignore quantization parameters a float tensor may carry; so does the engine.
        let quantization =
            dataType == .float32 ? nil : try quantization(table.table(Schema.Tensor.quantization), tensor: tensorName)
        var tensor = Tensor(name: tensorName, shape: dims.map(Int.init), dataType: dataType, quantization: quantization)
        let bufferIndex = Int(try table.scalar(Schema.Tensor.buffer, default: UInt32(0)))
        if bufferIndex != 0 {
            guard let buffers, bufferIndex < buffers.count else {
                throw ModelError.invalid("tensor \(tensorName) refers to buffer \(bufferIndex), which does not exist")
            }
            if let data = try buffers.table(at: bufferIndex).vector(Schema.Buffer.data, elementSize: 1), data.count > 0
            {
                guard data.count == tensor.byteCount else {
                    throw ModelError.invalid(
                        "constant \(tensorName) holds \(data.count) bytes; shape \(dims) of \(dataType) needs \(tensor.byteCount)"
                    )
                }
                tensor.data = Array(file.bytes[data.byteRange])
            }
        }
        return tensor
    }

    func quantization(_ table: FlatBufferTable?, tensor: String) throws -> Quantization? {
        guard let table, let scales = try table.vector(Schema.Quantization.scale, elementSize: 4)?.floats(),
            !scales.isEmpty
        else { return nil }
        guard scales.count == 1 else {
            throw ModelError.unsupported("tensor \(tensor) is quantized per channel (\(scales.count) scales)")
        }
        let zeroPoints: [Int64] =
            try table.vector(Schema.Quantization.zeroPoint, elementSize: 8)?.scalars(Int64.self) ?? [0]
        guard zeroPoints.count == 1, let zeroPoint = Int32(exactly: zeroPoints[0]) else {
            throw ModelError.invalid("tensor \(tensor) has zero points \(zeroPoints) for one scale")
        }
        guard scales[0].isFinite, scales[0] > 0 else {
            throw ModelError.invalid("tensor \(tensor) has quantization scale \(scales[0])")
        }
        return Quantization(scale: scales[0], zeroPoint: zeroPoint)
    }

    /// (builtin code, custom name) of each operator code.
    func operatorCodes(_ model: FlatBufferTable) throws -> [(builtin: Int32, custom: String?)] {
        guard let vector = try model.vector(Schema.Model.operatorCodes, elementSize: 4) else { return [] }
        var codes: [(builtin: Int32, custom: String?)] = []
        for i in 0..<vector.count {
            let table = try vector.table(at: i)
            // Codes past 127 live in builtin_code; older files only have the deprecated byte. The larger one wins.
            let deprecated = Int32(try table.scalar(Schema.OperatorCode.deprecatedBuiltinCode, default: Int8(0)))
            let builtin = try table.scalar(Schema.OperatorCode.builtinCode, default: Int32(0))
            codes.append((max(deprecated, builtin), try table.string(Schema.OperatorCode.customCode)))
        }
        return codes
    }

    func indices(_ vector: FlatBufferVector?, count: Int, what: String) throws -> [Int] {
        var result = (vector?.scalars(Int32.self) ?? []).map { Int($0) }
        while result.last == -1 { result.removeLast() }  // trailing optional inputs left out (e.g. no bias)
        for index in result where index < 0 || index >= count {
            throw ModelError.invalid("\(what) refers to tensor \(index) of \(count)")
        }
        return result
    }

    func node(_ table: FlatBufferTable, index: Int, codes: [(builtin: Int32, custom: String?)], tensors: [Tensor])
        throws -> Node
    {
        let codeIndex = Int(try table.scalar(Schema.Operator.opcodeIndex, default: UInt32(0)))
        guard codeIndex < codes.count else {
            throw ModelError.invalid("operator \(index) uses operator code \(codeIndex) of \(codes.count)")
        }
        let inputs = try indices(
            table.vector(Schema.Operator.inputs, elementSize: 4), count: tensors.count,
            what: "operator \(index) input")
        let outputs = try indices(
            table.vector(Schema.Operator.outputs, elementSize: 4), count: tensors.count,
            what: "operator \(index) output")
        let operation = try self.operation(code: codes[codeIndex], table: table)
        return Node(operation: operation, inputs: inputs, outputs: outputs)
    }

    func operation(code: (builtin: Int32, custom: String?), table: FlatBufferTable) throws -> Operation {
        typealias B = Schema.Builtin
        let options = try table.table(Schema.Operator.builtinOptions)
        switch code.builtin {
        case B.conv2D:
            typealias O = Schema.Conv2DOptions
            return .conv2D(
                Conv2DParameters(
                    window: try window(
                        options, padding: O.padding, strideW: O.strideW, strideH: O.strideH,
                        dilationW: O.dilationW, dilationH: O.dilationH, op: "CONV_2D"),
                    activation: try activation(options, O.activation, op: "CONV_2D")))
        case B.depthwiseConv2D:
            typealias O = Schema.DepthwiseConv2DOptions
            let multiplier = Int(try options?.scalar(O.depthMultiplier, default: Int32(1)) ?? 1)
            return .depthwiseConv2D(
                DepthwiseConv2DParameters(
                    window: try window(
                        options, padding: O.padding, strideW: O.strideW, strideH: O.strideH,
                        dilationW: O.dilationW, dilationH: O.dilationH, op: "DEPTHWISE_CONV_2D"),
                    depthMultiplier: multiplier,
                    activation: try activation(options, O.activation, op: "DEPTHWISE_CONV_2D")))
        case B.averagePool2D, B.maxPool2D:
            typealias O = Schema.Pool2DOptions
            let op = code.builtin == B.maxPool2D ? "MAX_POOL_2D" : "AVERAGE_POOL_2D"
            let parameters = Pool2DParameters(
                window: try window(
                    options, padding: O.padding, strideW: O.strideW, strideH: O.strideH,
                    dilationW: nil, dilationH: nil, op: op),
                filterHeight: Int(try options?.scalar(O.filterHeight, default: Int32(0)) ?? 0),
                filterWidth: Int(try options?.scalar(O.filterWidth, default: Int32(0)) ?? 0),
                activation: try activation(options, O.activation, op: op))
            guard parameters.filterHeight > 0, parameters.filterWidth > 0 else {
                throw ModelError.invalid("\(op) with a \(parameters.filterHeight)x\(parameters.filterWidth) filter")
            }
            return code.builtin == B.maxPool2D ? .maxPool2D(parameters) : .averagePool2D(parameters)
        case B.concatenation:
            let axis = Int(try options?.scalar(Schema.ConcatenationOptions.axis, default: Int32(0)) ?? 0)
            return .concatenation(
                axis: axis,
                activation: try activation(options, Schema.ConcatenationOptions.activation, op: "CONCATENATION"))
        case B.add: return .add(activation: try activation(options, Schema.ArithmeticOptions.activation, op: "ADD"))
        case B.mul: return .mul(activation: try activation(options, Schema.ArithmeticOptions.activation, op: "MUL"))
        case B.reshape: return .reshape
        case B.logistic: return .logistic
        case B.relu: return .relu
        case B.relu6: return .relu6
        case B.quantize: return .quantize
        case B.dequantize: return .dequantize
        case B.custom:
            let opName = code.custom ?? "unnamed custom op"
            var value = FlexValue.null
            if let blob = try table.vector(Schema.Operator.customOptions, elementSize: 1), blob.count > 0 {
                do {
                    value = try FlexBufferReader(Array(file.bytes[blob.byteRange])).decode()
                } catch {
                    throw ModelError.malformedCustomOptions(op: opName, error)
                }
            }
            return .custom(name: opName, options: value)
        default:
            throw ModelError.unsupportedOperator(name: Self.builtinName(code.builtin), model: name, reason: nil)
        }
    }

    func window(
        _ options: FlatBufferTable?, padding: Int, strideW: Int, strideH: Int, dilationW: Int?,
        dilationH: Int?, op: String
    ) throws -> Window {
        let paddingCode = try options?.scalar(padding, default: UInt8(0)) ?? 0
        guard let scheme = Schema.padding(paddingCode) else {
            throw ModelError.invalid("\(op) padding code \(paddingCode)")
        }
        func positive(_ field: Int?, _ what: String) throws -> Int {
            guard let field else { return 1 }
            let value = try options?.scalar(field, default: Int32(1)) ?? 1
            guard value >= 1, value <= 1 << 16 else { throw ModelError.invalid("\(op) \(what) \(value)") }
            return Int(value)
        }
        return Window(
            padding: scheme, strideHeight: try positive(strideH, "stride"),
            strideWidth: try positive(strideW, "stride"), dilationHeight: try positive(dilationH, "dilation"),
            dilationWidth: try positive(dilationW, "dilation"))
    }

    func activation(_ options: FlatBufferTable?, _ field: Int, op: String) throws -> FusedActivation {
        let code = try options?.scalar(field, default: UInt8(0)) ?? 0
        guard let activation = Schema.activation(code) else {
            throw ModelError.unsupportedOperator(name: op, model: name, reason: "fused activation code \(code)")
        }
        return activation
    }

    /// Names of builtin codes the engine does not run, for messages.
    static func builtinName(_ code: Int32) -> String {
        let names: [Int32: String] = [
            5: "DEPTH_TO_SPACE", 7: "EMBEDDING_LOOKUP", 8: "FLOOR", 9: "FULLY_CONNECTED", 10: "HASHTABLE_LOOKUP",
            11: "L2_NORMALIZATION", 12: "L2_POOL_2D", 13: "LOCAL_RESPONSE_NORMALIZATION", 16: "LSTM",
            20: "RELU_N1_TO_1", 23: "RESIZE_BILINEAR", 24: "RNN", 25: "SOFTMAX", 26: "SPACE_TO_DEPTH", 28: "TANH",
            34: "PAD", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 42: "DIV", 43: "SQUEEZE", 45: "STRIDED_SLICE",
            47: "EXP", 49: "SPLIT", 53: "CAST", 54: "PRELU", 55: "MAXIMUM", 56: "ARG_MAX", 57: "MINIMUM",
            65: "SLICE", 67: "TRANSPOSE_CONV", 77: "SHAPE", 83: "PACK", 97: "RESIZE_NEAREST_NEIGHBOR",
            98: "LEAKY_RELU", 117: "HARD_SWISH",
        ]
        return names[code] ?? "builtin op \(code)"
    }
}
