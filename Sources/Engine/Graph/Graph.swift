/// An engine-neutral network: tensors, nodes in execution order, graph inputs and outputs.
///
/// Model loaders produce it; backends plan and run it. Nothing here knows a file format.
public struct Graph: Sendable {
    /// Where the graph came from, for messages (a file name).
    public var name: String
    /// Every tensor; nodes, `inputs` and `outputs` refer to them by index.
    public var tensors: [Tensor]
    /// In execution order: a node reads only graph inputs, constants and earlier nodes' outputs.
    public var nodes: [Node]
    /// Tensor indices of the graph's inputs, in the model's order (an SSD has one: the image).
    public var inputs: [Int]
    /// Tensor indices of the graph's outputs, in the model's order.
    public var outputs: [Int]

    /// A graph as given; backends' `prepare` checks it (`validated()`) before planning.
    public init(name: String, tensors: [Tensor], nodes: [Node], inputs: [Int], outputs: [Int]) {
        self.name = name
        self.tensors = tensors
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
    }
}

extension Graph {
    /// The graph split before its trailing custom ops (such as an SSD's TFLite_Detection_PostProcess): the network
    /// the engine runs, whose outputs become the non-constant inputs of those ops, and the ops themselves, which
    /// their owner (the SSD module) runs on the network's outputs.
    public func splittingCustomTail() -> (network: Graph, tail: [Node]) {
        var cut = nodes.count
        while cut > 0, nodes[cut - 1].operation.isCustom { cut -= 1 }
        guard cut < nodes.count else { return (self, []) }
        let tail = Array(nodes[cut...])
        var outputs: [Int] = []
        for node in tail {
            for input in node.inputs where !tensors[input].isConstant && !outputs.contains(input) {
                outputs.append(input)
            }
        }
        var network = self
        network.nodes = Array(nodes[..<cut])
        network.outputs = outputs
        return (network, tail)
    }

    /// Index of the tensor named `name`.
    public func tensorIndex(named name: String) -> Int? { tensors.firstIndex { $0.name == name } }
}
