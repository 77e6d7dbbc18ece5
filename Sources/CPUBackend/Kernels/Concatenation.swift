import Engine

/// CONCATENATION: row copies, rescaled where an input's quantization differs from the output's.
final class Concatenation: SerialKernel {
    let inputs: [StoredTensor]
    let output: StoredTensor
    let axis: Int
    let activation: FusedActivation

    init(inputs: [StoredTensor], output: StoredTensor, axis: Int, activation: FusedActivation) {
        self.inputs = inputs
        self.output = output
        self.axis = axis < 0 ? axis + output.shape.count : axis
        self.activation = activation
    }

    func run() {
        let outer = output.shape[..<axis].reduce(1, *)
        let inner = output.shape[(axis + 1)...].reduce(1, *)
        let outputRow = output.shape[axis] * inner
        let range = output.range(activation)
        var offset = 0
        for part in inputs {
            let row = part.shape[axis] * inner
            let rescale = part.quantization != output.quantization || activation != .none
            let ratio = part.scale / output.scale
            for o in 0..<outer {
                let source = part.pointer + o * row, destination = output.pointer + o * outputRow + offset
                if rescale {
                    for i in 0..<row {
                        var value = min(max(source[i] * ratio, range.lowerBound), range.upperBound)
                        if output.quantization != nil { value = value.rounded() }
                        destination[i] = value
                    }
                } else {
                    destination.update(from: source, count: row)
                }
            }
            offset += row
        }
    }
}
