import CQuantizedGEMM
import Engine

/// DEPTHWISE_CONV_2D: each channel convolved with its own filter, accumulated in the output row. On
/// CFloatKernels where it runs (depth multiplier 1), with the output stage fused where it is a float bias and
/// clamp; else in Swift SIMD here.
///
/// On quantized models every product and sum is an integer far below 2^24, so the float accumulators are exact and
/// only the requantization rounds, as in TFLite. With an 8-bit variant and a depth multiplier of 1, each output row
/// runs in CQuantizedGEMM (`qgemm_depthwise_row`: 16 channels a vector on AVX-512, requantized in registers), or,
/// where a pointwise convolution alone reads the output (`packedOutput`), `qgemm_depthwise_row_packed`, which writes
/// that convolution's packed rows instead of the tensor.
final class DepthwiseConvolution: CPUKernel, PartitionedKernel {
    let input: StoredTensor
    let output: StoredTensor
    /// [KH, KW, Cout], stored values.
    let filter: UnsafeMutablePointer<Float>
    let window: Window
    let geometry: WindowGeometry
    let filterHeight: Int, filterWidth: Int
    let depthMultiplier: Int
    let requantizer: Requantizer
    let parts: Int
    private let rowsPerPart: Int
    /// The C kernel's shape, when it runs this convolution.
    private let integerShape: qgemm_window?
    /// Per part: the input and filter offsets of the current pixel's taps inside the input, and of the current row's
    /// taps for its interior pixels (no heap in `run`).
    private let tapScratch: UnsafeMutablePointer<Int>
    /// CFloatKernels' plan, nil where the loops below run.
    let plan: FloatKernelPlan?
    /// The pointwise convolution this one's output feeds alone, when the C kernel runs both: each row is packed
    /// straight into that convolution's activation rows, never stored as a tensor.
    let packedOutput: IntegerGEMM?

    init(
        input: StoredTensor, output: StoredTensor, filter: UnsafeMutablePointer<Float>, window: Window,
        geometry: WindowGeometry, filterHeight: Int, filterWidth: Int, depthMultiplier: Int, requantizer: Requantizer,
        plan: FloatKernelPlan?, packedOutput: IntegerGEMM? = nil, threads: Int
    ) {
        self.plan = plan
        self.packedOutput = packedOutput
        self.input = input
        self.output = output
        self.filter = filter
        self.window = window
        self.geometry = geometry
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.depthMultiplier = depthMultiplier
        self.requantizer = requantizer
        // Parts are output rows (y), each a few image rows wide. rowPartition's floor of 8 rows a part is meant for
        // pixel rows; an image row of a small late layer (15x20x128) is work enough to share between threads.
        let lines = output.shape[0] * output.shape[1]
        var partition = rowPartition(
            rows: lines, bytesPerRow: output.shape[2] * output.shape[3] * 4, threads: threads)
        if partition.parts < threads && lines >= threads && output.shape[2] * output.shape[3] >= 1024 {
            partition.rowsPerPart = (lines + threads - 1) / threads
            partition.parts = (lines + partition.rowsPerPart - 1) / partition.rowsPerPart
        }
        var integer = false
        if case .integer = requantizer {
            integer = Self.runsOnIntegerKernel(depthMultiplier: depthMultiplier, taps: filterHeight * filterWidth)
        }
        // On the 8-bit kernel, split at all, parts are single output rows: the pool sizes each thread's range to
        // its speed (ThreadShares), and the kernel runs row by row anyway.
        if integer, threads > 1, partition.parts >= threads, lines <= Convolution.finestParts {
            partition = (lines, 1)
        }
        (parts, rowsPerPart) = partition
        precondition(integer || packedOutput == nil, "only the C kernel packs its output")
        integerShape =
            integer
            ? qgemm_window(
                input: input.shape, window: window, geometry: geometry, filterHeight: filterHeight,
                filterWidth: filterWidth) : nil
        // Tap lists for the Swift loops; the 8-bit and float kernels keep their own.
        tapScratch = .allocate(capacity: integer || plan != nil ? 0 : parts * filterHeight * filterWidth * 4)
    }

    deinit { tapScratch.deallocate() }

    /// Whether the C kernel runs a depthwise convolution with an integer output stage: a depth multiplier of 1
    /// and at most 256 taps (its tap lists' size, and what keeps the float sums exact).
    static func runsOnIntegerKernel(depthMultiplier: Int, taps: Int) -> Bool { depthMultiplier == 1 && taps <= 256 }

    /// Output rows (across batches) [part * rowsPerPart, ...).
    func run(part: Int) {
        if let integerShape, case .integer(let stage) = requantizer {
            runIntegers(part: part, shape: integerShape, stage: stage)
            return
        }
        let (batches, height, width, inputChannels) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let channels = output.shape[3]
        let (source, destinationBase, filter) = (input.pointer, output.pointer, filter)
        let (filterHeight, filterWidth, multiplier) = (filterHeight, filterWidth, depthMultiplier)
        let (strideY, strideX) = (window.strideHeight, window.strideWidth)
        let (dilationY, dilationX) = (window.dilationHeight, window.dilationWidth)
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        let (padTop, padLeft) = (geometry.padTop, geometry.padLeft)
        let first = part * rowsPerPart
        if let plan {
            let lines = min(rowsPerPart, batches * outputHeight - first)
            plan.depthwise(first: first, count: lines, input: source, output: destinationBase)
            if !plan.fusesOutputStage {
                requantizer.apply(destinationBase + first * outputWidth * channels, rows: lines * outputWidth)
            }
            return
        }
        let tapCapacity = filterHeight &* filterWidth
        // Per part: one pixel's taps (edges), then the row's taps shared by its interior pixels.
        let inputTaps = tapScratch + part &* tapCapacity &* 4
        let filterTaps = inputTaps + tapCapacity
        let rowInputTaps = filterTaps + tapCapacity
        let rowFilterTaps = rowInputTaps + tapCapacity
        // Interior columns: every horizontal tap inside the input, so one tap list (offset by the column) serves.
        let interiorStart = min(outputWidth, (padLeft + strideX - 1) / strideX)
        let lastStart = width - 1 - (filterWidth - 1) * dilationX + padLeft
        let interiorEnd = lastStart >= 0 ? min(outputWidth, lastStart / strideX + 1) : 0
        let vectorized = multiplier == 1 && channels % 8 == 0

        /// Eight channels in a register across all taps: one store per output vector.
        func accumulate(
            _ sum: UnsafeMutablePointer<Float>, _ inputTaps: UnsafeMutablePointer<Int>,
            _ filterTaps: UnsafeMutablePointer<Int>, _ taps: Int, offset: Int
        ) {
            for c in stride(from: 0, to: channels, by: 8) {
                var accumulator = SIMD8<Float>()
                for t in 0..<taps {
                    let pixel = UnsafeRawPointer(source + (inputTaps[t] &+ offset &+ c))
                    let weights = UnsafeRawPointer(filter + (filterTaps[t] &+ c))
                    accumulator +=
                        pixel.loadUnaligned(as: SIMD8<Float>.self) * weights.loadUnaligned(as: SIMD8<Float>.self)
                }
                UnsafeMutableRawPointer(sum + c).storeBytes(of: accumulator, as: SIMD8<Float>.self)
            }
        }

        for line in first..<min(first + rowsPerPart, batches * outputHeight) {
            let b = line / outputHeight, y = line % outputHeight
            do {
                let row = destinationBase + (b * outputHeight + y) * outputWidth * channels
                var rowTaps = 0
                for ky in 0..<filterHeight {
                    let iy = y &* strideY &- padTop &+ ky &* dilationY
                    guard iy >= 0, iy < height else { continue }
                    for kx in 0..<filterWidth {
                        rowInputTaps[rowTaps] = ((b &* height &+ iy) &* width &+ kx &* dilationX) &* inputChannels
                        rowFilterTaps[rowTaps] = (ky &* filterWidth &+ kx) &* channels
                        rowTaps &+= 1
                    }
                }
                for x in 0..<outputWidth {
                    let sum = row + x &* channels
                    let left = x &* strideX &- padLeft
                    if vectorized && x >= interiorStart && x < interiorEnd {
                        accumulate(sum, rowInputTaps, rowFilterTaps, rowTaps, offset: left &* inputChannels)
                        continue
                    }
                    // The taps inside the input, as element offsets into the input and the filter.
                    var taps = 0
                    for ky in 0..<filterHeight {
                        let iy = y &* strideY &- padTop &+ ky &* dilationY
                        guard iy >= 0, iy < height else { continue }
                        for kx in 0..<filterWidth {
                            let ix = left &+ kx &* dilationX
                            guard ix >= 0, ix < width else { continue }
                            inputTaps[taps] = ((b &* height &+ iy) &* width &+ ix) &* inputChannels
                            filterTaps[taps] = (ky &* filterWidth &+ kx) &* channels
                            taps &+= 1
                        }
                    }
                    if vectorized {
                        accumulate(sum, inputTaps, filterTaps, taps, offset: 0)
                    } else {
                        sum.update(repeating: 0, count: channels)
                        for t in 0..<taps {
                            let pixel = source + inputTaps[t], weights = filter + filterTaps[t]
                            for c in 0..<channels { sum[c] += pixel[c / multiplier] * weights[c] }
                        }
                    }
                }
                requantizer.apply(row, rows: outputWidth)
            }
        }
    }

    /// Output rows [part * rowsPerPart, ...) on the C kernel.
    private func runIntegers(part: Int, shape: qgemm_window, stage: Requantizer.IntegerStage) {
        let (height, outputHeight) = (input.shape[1], geometry.outputHeight)
        let imageSize = height * input.shape[2] * input.shape[3]
        let rowSize = geometry.outputWidth * output.shape[3]
        let first = part * rowsPerPart
        for line in first..<min(first + rowsPerPart, input.shape[0] * outputHeight) {
            let b = line / outputHeight, y = line % outputHeight
            guard let packedOutput else {
                qgemm_depthwise_row(
                    stage.kernel, shape, input.pointer + b * imageSize, filter, Int32(y), stage.bias,
                    stage.requantization, output.pointer + line * rowSize)
                continue
            }
            let pixel = Int32(line * geometry.outputWidth)
            let rows = qgemm_packed_rows(
                rows: packedOutput.activations
                    + qgemm_packed_activations_size(packedOutput.kernel, pixel, Int32(output.shape[3])),
                rowTerms: packedOutput.rowTerms + Int(pixel), rowSumScale: packedOutput.rowSumScale)
            qgemm_depthwise_row_packed(
                stage.kernel, shape, input.pointer + b * imageSize, filter, Int32(y), stage.bias,
                stage.requantization, rows)
        }
    }
}
