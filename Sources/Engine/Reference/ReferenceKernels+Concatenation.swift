extension ReferenceKernels {
    // MARK: Concatenation

    func concatenation(axis: Int, activation: FusedActivation) {
        let rank = output.shape.count
        let axis = axis < 0 ? axis + rank : axis
        let outer = output.shape[..<axis].reduce(1, *)
        let inner = output.shape[(axis + 1)...].reduce(1, *)
        let outputRow = output.shape[axis] * inner
        var offset = 0
        for (position, tensorIndex) in node.inputs.enumerated() {
            let part = input(position)
            let row = part.shape[axis] * inner
            for o in 0..<outer {
                for i in 0..<row {
                    let from = o * row + i, to = o * outputRow + offset + i
                    if let outputQ = output.quantization, let inputQ = part.quantization {
                        let x = model.values(tensorIndex, as: UInt8.self)
                        let range = outputQ.activationRange(activation)
                        var value = Int32(x[from])
                        if inputQ != outputQ {
                            // TFLite's ConcatenationWithScaling: float scale and bias, std::round.
                            let scale = inputQ.scale * (1 / outputQ.scale)
                            let bias = -Float(inputQ.zeroPoint) * scale
                            value = Quantization.steps(Float(value) * scale + bias) + outputQ.zeroPoint
                        }
                        model.values(node.outputs[0], as: UInt8.self)[to] =
                            UInt8(min(max(value, range.lowerBound), range.upperBound))
                    } else {
                        let range = activation.range
                        model.values(node.outputs[0], as: Float.self)[to] =
                            min(max(model.values(tensorIndex, as: Float.self)[from], range.lower), range.upper)
                    }
                }
            }
            offset += row
        }
    }
}
