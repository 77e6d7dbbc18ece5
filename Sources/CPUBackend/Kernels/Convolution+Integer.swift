import CQuantizedGEMM

extension Convolution {
    /// On the 8-bit kernel: the part's rows packed as unsigned values (gathered straight from the input where the
    /// patches are not the input itself, from the caller's bytes where it is a uint8 graph input; already packed
    /// where the depthwise convolution before wrote them), then the GEMM, which requantizes its tiles itself.
    func runIntegers(part: Int, _ integer: IntegerGEMM) {
        let depth = filterHeight * filterWidth * input.shape[3]
        let rows = output.shape[0] * output.shape[1] * output.shape[2]
        let channels = output.shape[3]
        let first = part * rowsPerPart
        let count = min(rowsPerPart, rows - first)
        let packed = integer.activations + qgemm_packed_activations_size(integer.kernel, Int32(first), Int32(depth))
        let rowTerms = integer.rowTerms + first
        if let window = integer.window, let bytes = integer.inputBytes {
            qgemm_pack_patches_u8(
                integer.kernel, window, Int32(first), Int32(count), bytes, Int32(integer.inputZeroPoint), packed,
                integer.rowSumScale, rowTerms)
        } else if let window = integer.window {
            qgemm_pack_patches(
                integer.kernel, window, Int32(first), Int32(count), input.pointer, integer.inputZeroPoint, packed,
                integer.rowSumScale, rowTerms)
        } else if !integer.packedByProducer {
            qgemm_pack_activations(
                integer.kernel, Int32(count), Int32(depth), input.pointer + first * depth, Int32(depth),
                integer.inputZeroPoint, packed, integer.rowSumScale, rowTerms)
        }
        guard case .integer(let stage) = requantizer else { preconditionFailure("8-bit GEMM without an integer stage") }
        qgemm_multiply(
            integer.kernel, Int32(count), Int32(channels), Int32(depth), packed, integer.packedWeights, rowTerms,
            integer.columnTerms, stage.requantization, output.pointer + first * channels, Int32(channels))
    }
}
