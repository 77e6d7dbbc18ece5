/// Reads an ONNX model (protobuf) into a `Graph`, static and in the engine's NHWC layout.
///
/// The network is "hybridized" at load: initializers become constants, shape arithmetic (Shape, Gather, Unsqueeze,
/// Concat of constants, ...) is evaluated, BatchNormalization is folded into the convolution before it and a Relu
/// into the op before it, and channels-first activations are stored channels-last (the filters re-laid once), so
/// that no request pays for any of it. What cannot be made static, or is not implemented, is refused with a
/// `ModelError` naming the node and the tensor. Only this loader knows the ONNX format.
public enum ONNXLoader {
    /// Loads the model in `bytes`; `name` (usually the file name) labels messages and the graph. With
    /// `channelsFirstInput` (ONNX's usual NCHW), a 4-D graph input [N, C, H, W] becomes the engine's [N, H, W, C];
    /// without it, a 4-D input is taken as NHWC already.
    public static func load(_ bytes: [UInt8], name: String, channelsFirstInput: Bool = true) throws(ModelError)
        -> Graph
    {
        let model: ONNXProto.Model
        do { model = try ONNXProto.Model(decoding: bytes) } catch { throw .malformedProtobuf(error) }
        var builder = try ONNXGraphBuilder(model: model, bytes: bytes, name: name)
        return try builder.build(channelsFirstInput: channelsFirstInput)
    }

    /// Loads the model file at `path` (see `load(_:name:channelsFirstInput:)`).
    public static func load(contentsOf path: String, channelsFirstInput: Bool = true) throws(ModelError) -> Graph {
        try load(try ModelFile.read(path), name: ModelFile.name(of: path), channelsFirstInput: channelsFirstInput)
    }

    /// The opset versions whose semantics the loader implements for every op it takes.
    public static let supportedOpsets: ClosedRange<Int64> = 7...21
}
