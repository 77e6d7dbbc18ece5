/// One planned step of a CPU inference: its pointers into the arena and constants are fixed at load, so `run`
/// only computes.
protocol CPUKernel: AnyObject {
    /// Runs the step; kernels worth splitting hand their parts to `pool`.
    func run(on pool: WorkerPool)
}

/// Most kernels are small enough that one thread is best.
protocol SerialKernel: CPUKernel {
    func run()
}

extension SerialKernel {
    func run(on pool: WorkerPool) { run() }
}

extension PartitionedKernel where Self: CPUKernel {
    func run(on pool: WorkerPool) { pool.run(self) }
}

/// How to split `rows` rows of `bytesPerRow` output bytes: enough parts to keep every thread busy and each
/// part's output within the L2 cache, where the requantization that follows the arithmetic finds it. Each part of
/// a convolution repacks the whole filter (OpenBLAS packs both operands per call), so `repackedRows` (about the
/// filter's depth) bounds how small a part may get. The count is a multiple of the threads where the rows allow:
/// parts are equal, so 5 parts on 2 threads kept one thread waiting for a fifth of the time.
func rowPartition(rows: Int, bytesPerRow: Int, threads: Int, repackedRows: Int = 0) -> (parts: Int, rowsPerPart: Int) {
    let cacheParts = (rows * bytesPerRow + 256 * 1024 - 1) / (256 * 1024)
    let largestParts = max(1, rows / max(8, repackedRows / 2))
    var parts = max(min(max(cacheParts, threads), largestParts), min(threads, max(1, rows / 8)))
    if parts > threads, parts % threads != 0, (parts / threads + 1) * threads <= rows {
        parts = (parts / threads + 1) * threads
    }
    let rowsPerPart = (rows + parts - 1) / parts
    return ((rows + rowsPerPart - 1) / rowsPerPart, rowsPerPart)
}

/// How to split `count` elements of a memory-bound pass (a table lookup, a copy): one part per thread, fewer where
/// a part would get fewer than `minimumElementsPerPart` (one part runs on the calling thread, without a
/// hand-over). A hand-over costs about a microsecond; 16,384 elements take several (SSD MobileNet's scores,
/// 174,447 of them, took 110 us in LOGISTIC alone, on one thread while the other waited).
func elementPartition(count: Int, threads: Int) -> (parts: Int, elementsPerPart: Int) {
    let parts = max(1, min(threads, count / minimumElementsPerPart))
    return (parts, (count + parts - 1) / parts)
}

/// The fewest elements a part of a memory-bound pass gets (`elementPartition`).
private let minimumElementsPerPart = 16_384
