extension ONNXProto.Model {
    /// Reads a ModelProto from `bytes`. Unknown fields are skipped, as protobuf requires.
    init(decoding bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .varint(let version)): irVersion = Int64(bitPattern: version)
            case (7, .bytes(let range)): graph = try ONNXProto.Graph(reader.message(range))
            case (8, .bytes(let range)):
                var opset = reader.message(range)
                var (domain, version) = ("", Int64(0))
                while let (field, value) = try opset.next() {
                    switch (field, value) {
                    case (1, .bytes(let text)): domain = opset.string(text)
                    case (2, .varint(let number)): version = Int64(bitPattern: number)
                    default: continue
                    }
                }
                if domain.isEmpty || domain == "ai.onnx" { opsetVersion = version }
            default: continue
            }
        }
    }
}

extension ONNXProto.Graph {
    init(_ message: ProtobufReader) throws(ProtobufError) {
        var reader = message
        while let (field, value) = try reader.next() {
            guard case .bytes(let range) = value else { continue }
            switch field {
            case 1: nodes.append(try ONNXProto.Node(reader.message(range)))
            case 2: name = reader.string(range)
            case 5: initializers.append(try ONNXProto.TensorData(reader.message(range)))
            case 11: inputs.append(try ONNXProto.ValueInfo(reader.message(range)))
            case 12: outputs.append(try ONNXProto.ValueInfo(reader.message(range)))
            default: continue
            }
        }
    }
}

extension ONNXProto.Node {
    init(_ message: ProtobufReader) throws(ProtobufError) {
        var reader = message
        while let (field, value) = try reader.next() {
            guard case .bytes(let range) = value else { continue }
            switch field {
            case 1: inputs.append(reader.string(range))
            case 2: outputs.append(reader.string(range))
            case 3: name = reader.string(range)
            case 4: opType = reader.string(range)
            case 5:
                let (name, attribute) = try ONNXProto.Attribute.decode(reader.message(range))
                attributes[name] = attribute
            case 7: domain = reader.string(range)
            default: continue
            }
        }
    }
}

extension ONNXProto.Attribute {
    /// An AttributeProto: its name and the value of its one value field (the last one set, if several are).
    static func decode(_ message: ProtobufReader) throws(ProtobufError) -> (String, Self) {
        var reader = message
        var name = ""
        var attribute = Self.unsupported
        var floats: [Float] = [], ints: [Int64] = []
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .bytes(let range)): name = reader.string(range)
            case (2, .fixed32(let bits)): attribute = .float(Float(bitPattern: bits))
            case (3, .varint(let integer)): attribute = .int(Int64(bitPattern: integer))
            case (4, .bytes(let range)): attribute = .string(reader.string(range))
            case (5, .bytes(let range)): attribute = .tensor(try ONNXProto.TensorData(reader.message(range)))
            case (7, _):
                floats += try reader.fixed32s(value).map(Float.init(bitPattern:))
                attribute = .floats(floats)
            case (8, _):
                ints += try reader.varints(value).map { Int64(bitPattern: $0) }
                attribute = .ints(ints)
            default: continue
            }
        }
        return (name, attribute)
    }
}

extension ONNXProto.TensorData {
    init(_ message: ProtobufReader) throws(ProtobufError) {
        var reader = message
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, _): dims += try reader.varints(value).map { Int64(bitPattern: $0) }
            case (2, .varint(let code)): dataType = Int32(truncatingIfNeeded: code)
            case (4, _): floatData += try reader.fixed32s(value).map(Float.init(bitPattern:))
            // int32_data carries int32, and also uint8, int8, bool and float16 as their integer values.
            case (5, _): int32Data += try reader.varints(value).map { Int64(Int32(truncatingIfNeeded: $0)) }
            case (7, _): int64Data += try reader.varints(value).map { Int64(bitPattern: $0) }
            case (8, .bytes(let range)): name = reader.string(range)
            case (9, .bytes(let range)): rawData = range
            case (14, .varint(let location)): isExternal = location == 1
            default: continue
            }
        }
    }
}

extension ONNXProto.ValueInfo {
    init(_ message: ProtobufReader) throws(ProtobufError) {
        var reader = message
        while let (field, value) = try reader.next() {
            guard case .bytes(let range) = value else { continue }
            switch field {
            case 1: name = reader.string(range)
            case 2:
                // TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1) -> dim_value (1) | dim_param (2).
                var type = reader.message(range)
                while let (field, value) = try type.next() {
                    guard field == 1, case .bytes(let tensorRange) = value else { continue }
                    var tensor = type.message(tensorRange)
                    while let (field, value) = try tensor.next() {
                        switch (field, value) {
                        case (1, .varint(let code)): elementType = Int32(truncatingIfNeeded: code)
                        case (2, .bytes(let shapeRange)): dims = try Self.dimensions(tensor.message(shapeRange))
                        default: continue
                        }
                    }
                }
            default: continue
            }
        }
    }

    private static func dimensions(_ message: ProtobufReader) throws(ProtobufError) -> [ONNXProto.Dimension] {
        var reader = message
        var dims: [ONNXProto.Dimension] = []
        while let (field, value) = try reader.next() {
            guard field == 1, case .bytes(let range) = value else { continue }
            var dimension = reader.message(range)
            var parsed = ONNXProto.Dimension.symbolic("")
            while let (field, value) = try dimension.next() {
                switch (field, value) {
                case (1, .varint(let size)): parsed = .value(Int64(bitPattern: size))
                case (2, .bytes(let text)): parsed = .symbolic(dimension.string(text))
                default: continue
                }
            }
            dims.append(parsed)
        }
        return dims
    }
}
