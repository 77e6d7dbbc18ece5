import CQuantizedGEMM

extension Convolution {
    /// On the 8-bit kernel: the range's rows packed, then their GEMM, which requantizes its tiles itself, in
    /// calls of `rowsPerCall` rows; or, where parts are column ranges, the GEMM of every row (packed before, by
    /// `RowPacking`) with the range's channels.
    func runIntegers(parts: Range<Int>, _ integer: IntegerGEMM) {
        let (rows, channels) = (output.shape[0] * output.shape[1] * output.shape[2], output.shape[3])
        let depth = filterHeight * filterWidth * input.shape[3]
        guard case .integer(let stage) = requantizer else { preconditionFailure("8-bit GEMM without an integer stage") }
        guard !splitsByColumns else {
            let columns = parts.lowerBound * columnsPerPart..<min(parts.upperBound * columnsPerPart, channels)
            integer.multiply(
                rows: 0..<rows, columns: columns, depth: depth,
                requantization: stage.requantization, output: output.pointer, channels: channels)
            return
        }
        let end = min(parts.upperBound * rowsPerPart, rows)
        for first in stride(from: parts.lowerBound * rowsPerPart, to: end, by: rowsPerCall) {
            let range = first..<min(first + rowsPerCall, end)
            integer.pack(rows: range, depth: depth, input: input.pointer)
            integer.multiply(
                rows: range, columns: 0..<channels, depth: depth, requantization: stage.requantization,
                output: output.pointer, channels: channels)
        }
    }
}
