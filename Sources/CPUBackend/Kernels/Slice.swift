import Engine

/// SLICE: the block at `begin` copied run by run, a run being the block's extent along the last axis (contiguous
/// in both tensors).
final class Slice: SerialKernel {
    let input: StoredTensor
    let output: StoredTensor
    /// Per run of the output, the offset of its first element in the input: decided at load.
    private let runOffsets: [Int]

    init(input: StoredTensor, output: StoredTensor, begin: [Int]) {
        self.input = input
        self.output = output
        let rank = output.shape.count
        let runLength = output.shape[rank - 1]
        var offsets: [Int] = []
        offsets.reserveCapacity(output.count / runLength)
        var index = [Int](repeating: 0, count: rank)
        for _ in 0..<(output.count / runLength) {
            var offset = 0
            for axis in 0..<rank { offset = offset * input.shape[axis] + begin[axis] + index[axis] }
            offsets.append(offset)
            // The next run: count up the multi-index over every axis but the last.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < output.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        runOffsets = offsets
    }

    func run() {
        let runLength = output.shape[output.shape.count - 1]
        for (run, offset) in runOffsets.enumerated() {
            (output.pointer + run * runLength).update(from: input.pointer + offset, count: runLength)
        }
    }
}
