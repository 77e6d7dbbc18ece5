import Engine

/// CONCATENATION: row copies, rescaled where an input's quantization differs from the output's. Large outputs split
/// into ranges of output elements (`elementPartition`), each copying its share of every row it meets.
final class Concatenation: CPUKernel, PartitionedKernel {
    let inputs: [StoredTensor]
    let output: StoredTensor
    let axis: Int
    let activation: FusedActivation
    let parts: Int
    private let elementsPerPart: Int

    init(inputs: [StoredTensor], output: StoredTensor, axis: Int, activation: FusedActivation, threads: Int) {
        self.inputs = inputs
        self.output = output
        self.axis = axis < 0 ? axis + output.shape.count : axis
        self.activation = activation
        (parts, elementsPerPart) = elementPartition(count: output.count, threads: threads)
    }

    /// Output elements [part * elementsPerPart, ...): the pieces of each input's rows that land there.
    func run(part: Int) {
        let outer = output.shape[..<axis].reduce(1, *)
        let inner = output.shape[(axis + 1)...].reduce(1, *)
        let outputRow = output.shape[axis] * inner
        let range = output.range(activation)
        let share = part * elementsPerPart..<min((part + 1) * elementsPerPart, output.count)
        var offset = 0
        for input in inputs {
            let row = input.shape[axis] * inner
            let rescale = input.quantization != output.quantization || activation != .none
            let ratio = input.scale / output.scale
            for o in 0..<outer {
                // Where this input's row lands in the output, clipped to the part's share.
                let start = o * outputRow + offset
                let (low, high) = (max(start, share.lowerBound), min(start + row, share.upperBound))
                guard low < high else { continue }
                let piece = low..<high
                let source = input.pointer + (o * row + piece.lowerBound - start)
                let destination = output.pointer + piece.lowerBound
                if rescale {
                    for i in 0..<piece.count {
                        var value = min(max(source[i] * ratio, range.lowerBound), range.upperBound)
                        if output.quantization != nil { value = value.rounded() }
                        destination[i] = value
                    }
                } else {
                    destination.update(from: source, count: piece.count)
                }
            }
            offset += row
        }
    }
}
