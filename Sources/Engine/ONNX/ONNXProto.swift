/// The part of ONNX's protobuf schema (onnx.proto) that a static inference graph needs, as plain values; field
/// numbers are onnx.proto's. Subgraphs, sparse and string tensors and training fields are not read.
enum ONNXProto {
    /// ModelProto: the graph and the operator set it was exported for.
    struct Model {
        var irVersion: Int64 = 0
        /// The default ("" or "ai.onnx") domain's opset version; 0 when the file names none.
        var opsetVersion: Int64 = 0
        var graph = Graph()
    }

    /// GraphProto.
    struct Graph {
        var name = ""
        var nodes: [Node] = []
        var initializers: [TensorData] = []
        var inputs: [ValueInfo] = []
        var outputs: [ValueInfo] = []
    }

    /// NodeProto: `inputs` may hold "" for an omitted optional input.
    struct Node {
        var name = ""
        var opType = ""
        var domain = ""
        var inputs: [String] = []
        var outputs: [String] = []
        var attributes: [String: Attribute] = [:]
    }

    /// AttributeProto's value, by the field that carries it.
    enum Attribute {
        case float(Float)
        case int(Int64)
        case string(String)
        case tensor(TensorData)
        case floats([Float])
        case ints([Int64])
        /// A graph, strings, tensors or another kind no supported op takes.
        case unsupported
    }

    /// TensorProto: dims and element type, with the data in whichever field the exporter used.
    struct TensorData {
        var name = ""
        var dims: [Int64] = []
        /// onnx.proto's TensorProto.DataType code (1 float, 2 uint8, 3 int8, 6 int32, 7 int64, ...).
        var dataType: Int32 = 0
        var rawData: Range<Int>?
        var floatData: [Float] = []
        var int32Data: [Int64] = []
        var int64Data: [Int64] = []
        /// Data kept in another file (data_location EXTERNAL): refused, a model is one file here.
        var isExternal = false
    }

    /// ValueInfoProto of a graph input or output: its element type and dims (nil for a symbolic dim).
    struct ValueInfo {
        var name = ""
        var elementType: Int32 = 0
        var dims: [Dimension] = []
    }

    /// One dim of a declared shape.
    enum Dimension: Equatable {
        case value(Int64)
        /// A symbolic dim such as "batch", or one left unset.
        case symbolic(String)
    }
}
