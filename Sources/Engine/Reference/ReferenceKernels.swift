#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reference kernels of one node: plain loops over its tensors' buffers.
///
/// Quantized (uint8) ops follow TFLite's reference kernels step for step, including where they round and in what
/// precision they compute a multiplier; float ops are the textbook formulas.
struct ReferenceKernels {
    let model: ReferenceModel
    let node: Node

    private var tensors: [Tensor] { model.graph.tensors }
    func input(_ i: Int) -> Tensor { tensors[node.inputs[i]] }
    var output: Tensor { tensors[node.outputs[0]] }

    static func exp(_ x: Float) -> Float { expf(x) }
}
