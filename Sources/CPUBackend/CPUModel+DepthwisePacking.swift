import Engine

extension CPUModel {
    /// The depthwise convolutions that pack their output straight into the activation rows of the pointwise
    /// convolution reading it (MobileNet's pattern: every depthwise layer feeds a 1x1 one), as node positions:
    /// depthwise to convolution. Their output is then never stored as a tensor, and the convolution skips the pass
    /// that would convert it into those rows.
    ///
    /// A pair needs both on the 8-bit kernels, a pointwise convolution (its rows are its input's pixels) that is the
    /// only reader of the depthwise output, an output the caller does not read, and no other 8-bit convolution
    /// between the two: they all share one buffer of packed rows.
    func depthwisePackingPairs() -> [Int: Int] {
        guard kernel != nil else { return [:] }
        let nodes = graph.nodes, tensors = graph.tensors, readers = graph.readers()
        var pairs: [Int: Int] = [:]
        for (position, node) in nodes.enumerated() {
            let middle = node.outputs[0]
            guard case .depthwiseConv2D(let parameters) = node.operation, isQuantized(node),
                DepthwiseConvolution.runsOnIntegerKernel(
                    depthMultiplier: parameters.depthMultiplier,
                    taps: tensors[node.inputs[1]].shape[1] * tensors[node.inputs[1]].shape[2]),
                !outputIndices.contains(middle),
                let only = readers[middle], only.count == 1, let next = only.first,
                case .conv2D(let convolution) = nodes[next].operation, nodes[next].inputs[0] == middle,
                runsOnIntegers(nodes[next])
            else { continue }
            let filter = tensors[nodes[next].inputs[1]].shape
            guard Convolution.isPointwise(window: convolution.window, filterHeight: filter[1], filterWidth: filter[2]),
                !nodes[(position + 1)..<next].contains(where: runsOnIntegers)
            else { continue }
            pairs[position] = next
        }
        return pairs
    }
}
