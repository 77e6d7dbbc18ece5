/// The oracle: every op as the plainest loops, quantized ops in TFLite's integer arithmetic (bit-exact with its
/// reference kernels). Slow on purpose: every other backend is tested against it.
public struct ReferenceBackend: Backend {
    /// "reference", as flags and tables spell it.
    public let name = "reference"

    /// Holds nothing: one value serves any number of graphs.
    public init() {}

    /// Nil for every built-in op; custom ops run outside the engine.
    public func unsupportedReason(for node: Node, in graph: Graph) -> String? {
        node.operation.isCustom ? "custom ops run outside the engine (split them off with splittingCustomTail())" : nil
    }

    /// One thread whatever `options.threads` (checked all the same), one warm-up whatever `thoroughWarmUp`.
    public func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel {
        try options.validate()
        try checkSupport(graph)
        let model = ReferenceModel(graph: try graph.validated(), extraOutputs: options.extraOutputs)
        model.run()
        return model
    }
}
