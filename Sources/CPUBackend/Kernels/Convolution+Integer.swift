import CQuantizedGEMM

extension Convolution {
    /// On the 8-bit kernel: a row range's rows packed, then their GEMM, which requantizes its tiles itself; or, where
    /// parts are column ranges, the GEMM of every row (packed before, by `RowPacking`) with the part's channels.
    func runIntegers(part: Int, _ integer: IntegerGEMM) {
        let (rows, channels) = (output.shape[0] * output.shape[1] * output.shape[2], output.shape[3])
        let depth = filterHeight * filterWidth * input.shape[3]
        guard case .integer(let stage) = requantizer else { preconditionFailure("8-bit GEMM without an integer stage") }
        guard !splitsByColumns else {
            let first = part * columnsPerPart
            integer.multiply(
                rows: 0..<rows, columns: first..<min(first + columnsPerPart, channels), depth: depth,
                requantization: stage.requantization, output: output.pointer, channels: channels)
            return
        }
        let first = part * rowsPerPart
        let range = first..<min(first + rowsPerPart, rows)
        integer.pack(rows: range, depth: depth, input: input.pointer)
        integer.multiply(
            rows: range, columns: 0..<channels, depth: depth, requantization: stage.requantization,
            output: output.pointer, channels: channels)
    }
}
