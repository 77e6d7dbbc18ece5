import Engine

extension SSDPostprocessor {
    /// The postprocess a TFLite SSD carries: its TFLite_Detection_PostProcess op's options and anchors constant
    /// ([anchors, 4]: y center, x center, height, width), dequantized, and checked by `validate()`. Nil when `tail`
    /// (the graph's trailing custom ops, from `splittingCustomTail()`) has no such op.
    public init?(embeddedIn graph: Graph, tail: [Node]) throws(SSDError) {
        guard let node = tail.first, case .custom(let name, let flex) = node.operation,
            name == "TFLite_Detection_PostProcess"
        else { return nil }
        guard node.inputs.count == 3, graph.tensors[node.inputs[2]].isConstant else {
            throw .invalidModel("TFLite_Detection_PostProcess without a constant anchors input")
        }
        self.init(
            anchors: try Self.anchors(graph.tensors[node.inputs[2]]),
            options: try PostprocessOptions(tfliteOptions: flex))
        try validate()
    }

    static func anchors(_ tensor: Tensor) throws(SSDError) -> [Anchor] {
        guard tensor.shape.count == 2, tensor.shape[1] == 4, tensor.dataType == .uint8 || tensor.dataType == .float32,
            let data = tensor.data
        else { throw .invalidModel("anchors \(tensor.name) have shape \(tensor.shape) of \(tensor.dataType)") }
        return data.withUnsafeBytes { bytes in
            let values = TensorValues(bytes, tensor: tensor)
            return (0..<tensor.shape[0]).map {
                Anchor(
                    yCenter: values[$0 * 4], xCenter: values[$0 * 4 + 1], height: values[$0 * 4 + 2],
                    width: values[$0 * 4 + 3])
            }
        }
    }
}
