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

    /// Rows [part * rowsPerPart, ...): each row's maximum subtracted (times beta) row by row, the exponentials in
    /// one flat loop over the part, which LLVM vectorizes (no calls), then each row normalized.
    func run(part: Int) {
        let row = output.shape.last!
        let (source, destination, beta) = (input.pointer, output.pointer, beta)
        let first = part * rowsPerPart * row
        let end = min(first + rowsPerPart * row, output.count)
        for start in stride(from: first, to: end, by: row) {
            var largest = source[start]
            for i in start..<(start + row) { largest = max(largest, source[i]) }
            for i in start..<(start + row) { destination[i] = beta * (source[i] - largest) }
        }
        for i in first..<end { destination[i] = Self.exponential(destination[i]) }
        for start in stride(from: first, to: end, by: row) {
            var sum: Float = 0
            for i in start..<(start + row) { sum += destination[i] }
            let inverse = 1 / sum
            for i in start..<(start + row) { destination[i] *= inverse }
        }
    }

    /// e^x for x <= 0 (a row's maximum was subtracted), within about 1 ulp: Cephes' expf (x = n ln 2 + r, a
    /// degree-5 polynomial in r), with 2^n made from the bits of a float rounded by adding 1.5 * 2^23, so that the
    /// loop calling it vectorizes (expf calls were 2.7% of UltraFace's network at 1 thread). Below -87 it returns
    /// e^-87 (about 1.6e-38) rather than a denormal or 0.
    @inline(__always)
    static func exponential(_ value: Float) -> Float {
        let x = max(value, -87)
        let rounder: Float = 12_582_912  // 1.5 * 2^23: adding it rounds to an integer, kept in the low bits
        let shifted = x * 1.442_695_04 + rounder
        let n = shifted - rounder
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let scale = Float(bitPattern: (shifted.bitPattern &- rounder.bitPattern &+ 127) &<< 23)
        return (p * r * r + r + 1) * scale
    }
}
