extension Graph {
    /// How many nodes run each op, by op name, in first-appearance order.
    public var operationCounts: [(name: String, count: Int)] {
        var counts: [(name: String, count: Int)] = []
        for node in nodes {
            if let i = counts.firstIndex(where: { $0.name == node.operation.name }) {
                counts[i].count += 1
            } else {
                counts.append((node.operation.name, 1))
            }
        }
        return counts
    }

    /// Elements of all constants (weights, biases, anchors, shapes).
    public var parameterCount: Int { tensors.filter(\.isConstant).reduce(0) { $0 + $1.elementCount } }

    /// Multiply-accumulates of one inference, from the (validated) shapes: convolutions and element-wise
    /// products; data movement counts nothing.
    public var multiplyAccumulates: Int { nodes.reduce(0) { $0 + multiplyAccumulates(of: $1) } }

    /// Multiply-accumulates of `node`.
    public func multiplyAccumulates(of node: Node) -> Int {
        let output = tensors[node.outputs.first ?? 0]
        switch node.operation {
        case .conv2D:
            let filter = tensors[node.inputs[1]].shape
            return output.elementCount * filter.dropFirst().reduce(1, *)
        case .depthwiseConv2D:
            let filter = tensors[node.inputs[1]].shape
            return output.elementCount * filter[1] * filter[2]
        case .mul: return output.elementCount
        default: return 0
        }
    }
}
