#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Engine

/// SOFTMAX over the last axis of a float tensor, the row's maximum subtracted first so that no exponential
/// overflows (what every runtime does; the result is the same up to rounding).
final class Softmax: SerialKernel {
    let input: StoredTensor
    let output: StoredTensor
    let beta: Float

    init(input: StoredTensor, output: StoredTensor, beta: Float) {
        self.input = input
        self.output = output
        self.beta = beta
    }

    func run() {
        let row = output.shape.last!
        let (source, destination, beta) = (input.pointer, output.pointer, beta)
        for start in stride(from: 0, to: output.count, by: row) {
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
