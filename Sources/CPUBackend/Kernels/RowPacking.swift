/// The packing that a convolution split by columns runs before its parts: each of them multiplies every row, so
/// the rows are packed once, by row ranges, first.
final class RowPacking: PartitionedKernel {
    let integer: IntegerGEMM
    /// The convolution's input (stored values) and its patches' depth.
    let input: UnsafeMutablePointer<Float>
    let depth: Int
    let rows: Int
    let parts: Int
    let rowsPerPart: Int

    init(integer: IntegerGEMM, input: UnsafeMutablePointer<Float>, depth: Int, rows: Int, threads: Int) {
        self.integer = integer
        self.input = input
        self.depth = depth
        self.rows = rows
        (parts, rowsPerPart) = rowPartition(
            rows: rows, bytesPerRow: integer.packedRowBytes(depth: depth), threads: threads)
    }

    func run(part: Int) {
        let first = part * rowsPerPart
        integer.pack(rows: first..<min(first + rowsPerPart, rows), depth: depth, input: input)
    }
}
