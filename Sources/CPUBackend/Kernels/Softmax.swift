#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Engine

/// SOFTMAX over the last axis of a float tensor, the row's maximum subtracted first so that no exponential
/// overflows (what every runtime does; the result is the same up to rounding). Split by rows over the threads:
/// run alone, it was 2% of UltraFace's network at 1 thread (4420 rows of 2), twice that share at 2.
final class Softmax: CPUKernel, PartitionedKernel {
    let input: StoredTensor
    let output: StoredTensor
    let beta: Float
    let parts: Int
    private let rowsPerPart: Int

    init(input: StoredTensor, output: StoredTensor, beta: Float, threads: Int) {
        self.input = input
        self.output = output
        self.beta = beta
        let row = output.shape.last!
        (parts, rowsPerPart) = rowPartition(rows: output.count / row, bytesPerRow: row * 4, threads: threads)
    }

    /// Rows [part * rowsPerPart, ...).
    func run(part: Int) {
        let row = output.shape.last!
        let (source, destination, beta) = (input.pointer, output.pointer, beta)
        let first = part * rowsPerPart * row
        let end = min(first + rowsPerPart * row, output.count)
        for start in stride(from: first, to: end, by: row) {
            var largest = source[start]
            for i in start..<(start + row) { largest = max(largest, source[i]) }
            var sum: Float = 0
            for i in start..<(start + row) {
                destination[i] = expf(beta * (source[i] - largest))
                sum += destination[i]
            }
            let inverse = 1 / sum
            for i in start..<(start + row) { destination[i] *= inverse }
        }
    }
}
