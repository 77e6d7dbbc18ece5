extension ONNXGraphBuilder {
    /// Add, Sub, Mul and Div. Constants with constants fold; a division by a constant is a multiplication by its
    /// reciprocal (exact for the powers of two exporters divide by); a constant operand of an activation must be a
    /// single element or of the activation's own shape (re-laid NHWC for a channels-first one): the engine does not
    /// broadcast along one axis.
    mutating func convertArithmetic(_ node: ONNXProto.Node, inputs: [Value?], output: String, label: String)
        throws(ModelError)
    {
        var (left, right) = (try input(inputs, 0, label), try input(inputs, 1, label))
        var (leftName, rightName) = (node.inputs[0], node.inputs[1])
        var opType = node.opType
        if case .constant(let a) = left, case .constant(let b) = right {
            values[output] = .constant(try a.combined(with: b, opType, label: label))
            return
        }
        if opType == "Div" {
            guard case .constant(let divisor) = right, divisor.isFloat else {
                throw .unsupportedOperator(
                    name: "Div", model: graph.name, reason: "\(label): only division by a float constant")
            }
            right = .constant(ONNXConstant(shape: divisor.shape, floats: divisor.floats.map { 1 / $0 }))
            (rightName, opType) = ("\(rightName) (reciprocal)", "Mul")
        }
        let channelsFirst = [left, right].contains { if case .activation(_, true) = $0 { true } else { false } }
        let activationShape = [left, right].compactMap { if case .activation = $0 { logicalShape($0) } else { nil } }[0]
        func operand(_ value: Value, _ name: inout String) throws(ModelError) -> Int {
            switch value {
            case .activation(_, let first) where first != channelsFirst:
                throw .unsupportedOperator(
                    name: node.opType, model: graph.name,
                    reason: "\(label): a channels-first activation with a channels-last one")
            case .activation(let index, _): return index
            case .constant(let constant) where constant.elementCount == 1:
                guard constant.isFloat else { throw .invalid("\(label): \(name) is not float") }
                return tensorIndex(.constant(constant.reshaped([1])), name: name)
            case .constant(let constant):
                guard constant.isFloat, constant.shape == activationShape else {
                    throw .unsupportedOperator(
                        name: node.opType, model: graph.name,
                        reason: "\(label): broadcasting \(constant.shape) to \(activationShape)")
                }
                guard channelsFirst else { return tensorIndex(value, name: name) }
                name += " (NHWC)"
                return tensorIndex(.constant(constant.transposed([0, 2, 3, 1])), name: name)
            }
        }
        let operation: Operation
        switch opType {
        case "Add": operation = .add(activation: .none)
        case "Sub": operation = .sub(activation: .none)
        default: operation = .mul(activation: .none)
        }
        try emit(
            operation, inputs: [try operand(left, &leftName), try operand(right, &rightName)], output: output,
            channelsFirst: channelsFirst, label: label)
    }
}
