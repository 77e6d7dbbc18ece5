/// Writes small ONNX models (protobuf) for tests: a graph of nodes, float initializers, one float input and its
/// outputs. Field numbers are onnx.proto's.
public struct ONNXWriter {
    /// One node: op type, inputs, outputs, and attributes already encoded (`int`, `ints`, `float`, `string`).
    public struct NodeSpec {
        let opType: String
        let inputs: [String]
        let outputs: [String]
        let attributes: [[UInt8]]

        /// A node as given.
        public init(_ opType: String, _ inputs: [String], _ outputs: [String], _ attributes: [[UInt8]] = []) {
            self.opType = opType
            self.inputs = inputs
            self.outputs = outputs
            self.attributes = attributes
        }
    }

    /// The model's opset (ai.onnx).
    public var opset: Int64 = 13
    /// Graph input name and its dims (a nil dim is symbolic).
    public var input: (name: String, dims: [Int?]) = ("input", [1, 3, 4, 4])
    /// Float initializers: name, dims, values.
    public var initializers: [(name: String, dims: [Int], values: [Float])] = []
    /// Int64 initializers: name, dims, values.
    public var integerInitializers: [(name: String, dims: [Int], values: [Int64])] = []
    /// The nodes, in order.
    public var nodes: [NodeSpec] = []
    /// Graph output names.
    public var outputs: [String] = []

    /// An empty model; fill in the fields.
    public init() {}

    /// The ModelProto's bytes.
    public func bytes() -> [UInt8] {
        var graph: [UInt8] = []
        for node in nodes {
            var message: [UInt8] = []
            for input in node.inputs { message += Self.field(1, string: input) }
            for output in node.outputs { message += Self.field(2, string: output) }
            message += Self.field(4, string: node.opType)
            for attribute in node.attributes { message += Self.field(5, bytes: attribute) }
            graph += Self.field(1, bytes: message)
        }
        graph += Self.field(2, string: "test")
        for (name, dims, values) in initializers {
            var tensor: [UInt8] = []
            for dim in dims { tensor += Self.varintField(1, UInt64(dim)) }
            tensor += Self.varintField(2, 1)
            tensor += Self.field(8, string: name)
            tensor += Self.field(9, bytes: values.flatMap { Self.littleEndian($0.bitPattern) })
            graph += Self.field(5, bytes: tensor)
        }
        for (name, dims, values) in integerInitializers {
            var tensor: [UInt8] = []
            for dim in dims { tensor += Self.varintField(1, UInt64(dim)) }
            tensor += Self.varintField(2, 7)
            tensor += Self.field(8, string: name)
            tensor += Self.field(9, bytes: values.flatMap { Self.littleEndian(UInt64(bitPattern: $0)) })
            graph += Self.field(5, bytes: tensor)
        }
        graph += Self.field(11, bytes: Self.valueInfo(input.name, dims: input.dims))
        for output in outputs { graph += Self.field(12, bytes: Self.field(1, string: output)) }
        var model = Self.varintField(1, 7)
        model += Self.field(7, bytes: graph)
        model += Self.field(8, bytes: Self.varintField(2, UInt64(opset)))
        return model
    }

    /// An int attribute.
    public static func int(_ name: String, _ value: Int64) -> [UInt8] {
        field(1, string: name) + varintField(3, UInt64(bitPattern: value)) + varintField(20, 2)
    }

    /// An ints attribute (packed).
    public static func ints(_ name: String, _ values: [Int64]) -> [UInt8] {
        field(1, string: name) + field(8, bytes: values.flatMap { varint(UInt64(bitPattern: $0)) })
            + varintField(20, 7)
    }

    /// A float attribute.
    public static func float(_ name: String, _ value: Float) -> [UInt8] {
        field(1, string: name) + varint(2 << 3 | 5) + littleEndian(value.bitPattern) + varintField(20, 1)
    }

    /// A string attribute.
    public static func string(_ name: String, _ value: String) -> [UInt8] {
        field(1, string: name) + field(4, string: value) + varintField(20, 3)
    }

    static func valueInfo(_ name: String, dims: [Int?]) -> [UInt8] {
        var shape: [UInt8] = []
        for dim in dims {
            shape += field(1, bytes: dim.map { varintField(1, UInt64($0)) } ?? field(2, string: "batch"))
        }
        let tensorType = varintField(1, 1) + field(2, bytes: shape)
        return field(1, string: name) + field(2, bytes: field(1, bytes: tensorType))
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    static func varintField(_ number: Int, _ value: UInt64) -> [UInt8] { varint(UInt64(number) << 3) + varint(value) }

    static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
        varint(UInt64(number) << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    static func field(_ number: Int, string: String) -> [UInt8] { field(number, bytes: Array(string.utf8)) }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
