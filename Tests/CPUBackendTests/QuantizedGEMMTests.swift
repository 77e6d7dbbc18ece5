@testable import CPUBackend
import CQuantizedGEMM
import Engine
import Testing
import TestSupport

/// Each 8-bit kernel this CPU runs against plain integer arithmetic, on the values that break inexact kernels:
/// activations of 255 against weights of 0 and 255 (stored -128 and 127: a vpmaddubsw pair would saturate), and
/// depths, rows and columns that are not multiples of the kernels' steps (4 depths, 6 and 8 rows, 16 and 32 columns).
struct QuantizedGEMMTests {
    enum Values: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case random, largestTimesSmallest, largestTimesLargest
        var testDescription: String { rawValue }
    }

    static let shapes: [(rows: Int, columns: Int, depth: Int)] = [
        (1, 1, 1), (3, 17, 5), (4, 16, 4), (5, 33, 31), (7, 48, 64), (9, 15, 67), (13, 40, 129), (2, 70, 480),
    ]

    @Test(arguments: InstructionSets.supported, Values.allCases)
    func gemmMatchesIntegerArithmetic(_ instructionSet: CPUInstructionSet, _ values: Values) {
        let kernel = instructionSet.kernel!
        var random = SplitMix64(seed: 16)
        for (rows, columns, depth) in Self.shapes {
            let zeroPoint = Int(random.next() % 256)
            let activations: [UInt8] = (0..<(rows * depth)).map { _ in
                values == .random ? UInt8(truncatingIfNeeded: random.next()) : 255
            }
            let weights: [UInt8] = (0..<(columns * depth)).map { _ in
                switch values {
                case .random: UInt8(truncatingIfNeeded: random.next())
                case .largestTimesSmallest: 0
                case .largestTimesLargest: 255
                }
            }
            let stored = activations.map { Float(Int($0) - zeroPoint) }
            let rowSumScale: Int32 = 1
            let columnTerms = (0..<columns).map { Int32($0 * 1000 - 7) }
            var rowTerms = [Int32](repeating: 0, count: rows)
            var packedWeights = [UInt8](
                repeating: 0, count: qgemm_packed_weights_size(kernel, Int32(columns), Int32(depth)))
            var packed = [UInt8](
                repeating: 0, count: qgemm_packed_activations_size(kernel, Int32(rows), Int32(depth)))
            qgemm_pack_weights(kernel, Int32(columns), Int32(depth), weights, &packedWeights)
            qgemm_pack_activations(
                kernel, Int32(rows), Int32(depth), stored, Int32(depth), Float(zeroPoint), &packed, rowSumScale,
                &rowTerms)
            var expected: [Int32] = []
            for m in 0..<rows {
                let rowSum = (0..<depth).reduce(0) { $0 + Int(activations[m * depth + $1]) }
                #expect(rowTerms[m] == Int32(rowSum) * rowSumScale)
                for n in 0..<columns {
                    let products = (0..<depth).reduce(0) {
                        $0 + Int(activations[m * depth + $1]) * (Int(weights[n * depth + $1]) - 128)
                    }
                    expected.append(Int32(products + rowSum * Int(rowSumScale)) + columnTerms[n])
                }
            }
            // Once with a multiplier of 1 (the accumulators themselves, exact in float below 2^24), once with
            // TFLite's requantization.
            for stage in [Self.identity, Self.requantization] {
                let stride = columns + 5
                var output = [Float](repeating: -1, count: rows * stride)
                qgemm_multiply(
                    kernel, Int32(rows), Int32(columns), Int32(depth), packed, packedWeights, rowTerms, columnTerms,
                    stage.parameters, &output, Int32(stride))
                var mismatches = 0
                for m in 0..<rows {
                    for n in columns..<stride { #expect(output[m * stride + n] == -1, "wrote past column \(columns)") }
                    for n in 0..<columns where output[m * stride + n] != stage(expected[m * columns + n]) {
                        mismatches += 1
                    }
                }
                #expect(mismatches == 0, "\(rows)x\(columns)x\(depth): \(mismatches) outputs differ")
            }
        }
    }

    /// The requantization where its proof is tightest (Kernels.h): accumulators within 2^18 of +-2^30, the bound it
    /// holds below, and right shifts of 21 to 31 (31 is the largest TFLite makes), which bring them back into a
    /// byte. The column terms carry the size, as a large bias would.
    @Test(arguments: InstructionSets.supported)
    func requantizationAtTheAccumulatorBound(_ instructionSet: CPUInstructionSet) {
        let kernel = instructionSet.kernel!
        var random = SplitMix64(seed: 19)
        let (rows, columns, depth) = (7, 33, 4)
        let activations = (0..<(rows * depth)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let weights = (0..<(columns * depth)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var packedWeights = [UInt8](
            repeating: 0, count: qgemm_packed_weights_size(kernel, Int32(columns), Int32(depth)))
        var packed = [UInt8](repeating: 0, count: qgemm_packed_activations_size(kernel, Int32(rows), Int32(depth)))
        var rowTerms = [Int32](repeating: 0, count: rows)
        qgemm_pack_weights(kernel, Int32(columns), Int32(depth), weights, &packedWeights)
        qgemm_pack_activations(
            kernel, Int32(rows), Int32(depth), activations.map { Float($0) }, Int32(depth), 0, &packed, 1, &rowTerms)
        // Products and row sums stay below 2^17 + 2^10, so every accumulator is within 2^18 of its column term.
        let bound = (1 << 30) - (1 << 18)
        for real in [3e-10, 7e-10, 1e-9, 2e-8, 1e-7, 1.9e-7] {
            let stage = Stage(multiplier: QuantizedMultiplier(real), zeroPoint: 128, low: 0, high: 255)
            #expect(stage.multiplier.shift <= -21)
            let columnTerms = (0..<columns).map { n in
                Int32(n % 2 == 0 ? bound - Int(random.next() % 4096) : Int(random.next() % 4096) - bound)
            }
            var output = [Float](repeating: 0, count: rows * columns)
            qgemm_multiply(
                kernel, Int32(rows), Int32(columns), Int32(depth), packed, packedWeights, rowTerms, columnTerms,
                stage.parameters, &output, Int32(columns))
            var mismatches = 0
            for m in 0..<rows {
                let rowSum = (0..<depth).reduce(0) { $0 + Int(activations[m * depth + $1]) }
                for n in 0..<columns {
                    let products = (0..<depth).reduce(0) {
                        $0 + Int(activations[m * depth + $1]) * (Int(weights[n * depth + $1]) - 128)
                    }
                    let accumulator = Int32(products + rowSum) + columnTerms[n]
                    if output[m * columns + n] != stage(accumulator) { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(real): \(mismatches) outputs differ")
        }
    }

    /// A requantization and its scalar counterpart.
    struct Stage {
        let multiplier: QuantizedMultiplier
        var zeroPoint: Int32 = 17, low: Int32 = 3, high: Int32 = 250

        var parameters: qgemm_requantization {
            qgemm_requantization(
                significand: multiplier.significand, shift: Int32(multiplier.shift), zeroPoint: zeroPoint, low: low,
                high: high)
        }

        /// Engine's scalar TFLite arithmetic: the stored value (quantized - zero point) of one accumulator.
        func callAsFunction(_ accumulator: Int32) -> Float {
            Float(min(max(multiplier(accumulator) + zeroPoint, low), high) - zeroPoint)
        }
    }

    /// A multiplier of 1 (2^30 * 2^(1 - 31)): the accumulators themselves.
    static let identity = Stage(multiplier: QuantizedMultiplier(1), zeroPoint: 0, low: -(1 << 24), high: 1 << 24)
    static let requantization = Stage(multiplier: QuantizedMultiplier(0.000_37))

    /// TFLite's MultiplyByQuantizedMultiplier, bias, zero point and clamp on float accumulators (the depthwise
    /// convolution's), against Engine's scalar version, over multipliers with left and right shifts and
    /// accumulators of both signs.
    @Test(arguments: InstructionSets.supported)
    func requantizationMatchesTFLite(_ instructionSet: CPUInstructionSet) {
        var random = SplitMix64(seed: 17)
        for real in [3e-10, 1e-9, 1e-7, 0.000_37, 0.0123, 0.27, 0.5, 0.99, 1.7, 3.2] {
            let stage = Stage(multiplier: QuantizedMultiplier(real))
            let channels = 1 + Int(random.next() % 40)
            let accumulators = (0..<(2 * channels)).map { _ in
                Int32(truncatingIfNeeded: random.next() % 400_001) - 200_000
            }
            let bias = (0..<channels).map { _ in Int32(truncatingIfNeeded: random.next() % 2001) - 1000 }
            var values = accumulators.map { Float($0) }
            qgemm_requantize(instructionSet.kernel!, 2, Int32(channels), &values, bias, stage.parameters)
            for (index, accumulator) in accumulators.enumerated() {
                let expected = stage(accumulator + bias[index % channels])
                #expect(values[index] == expected, "\(real) at \(index)")
            }
        }
    }

    /// im2col straight into packed rows against a plain gather: two images, stride, dilation, padding where the
    /// window leaves the image (the zero point), channel counts below and past a vector, a range of rows starting
    /// mid-image.
    @Test(arguments: InstructionSets.supported)
    func patchesPackLikeAPlainGather(_ instructionSet: CPUInstructionSet) {
        let kernel = instructionSet.kernel!
        var random = SplitMix64(seed: 18)
        for (channels, filter, stride, dilation) in [(3, 3, 2, 1), (5, 3, 1, 2), (17, 2, 1, 1), (40, 3, 2, 1)] {
            let (batches, height, width, zeroPoint) = (2, 7, 6, 9)
            let window = qgemm_window(
                height: Int32(height), width: Int32(width), channels: Int32(channels), filterHeight: Int32(filter),
                filterWidth: Int32(filter), strideY: Int32(stride), strideX: Int32(stride), dilationY: Int32(dilation),
                dilationX: Int32(dilation), padTop: 1, padLeft: 1, outputHeight: 4, outputWidth: 3)
            let input = (0..<(batches * height * width * channels)).map { _ in
                Float(Int(random.next() % 256) - zeroPoint)
            }
            let depth = filter * filter * channels
            let (first, rows) = (5, batches * 4 * 3 - 5)
            var packed = [UInt8](repeating: 0, count: qgemm_packed_activations_size(kernel, Int32(rows), Int32(depth)))
            var rowTerms = [Int32](repeating: 0, count: rows)
            qgemm_pack_patches(
                kernel, window, Int32(first), Int32(rows), input, Float(zeroPoint), &packed, 2, &rowTerms)
            let padded = Int(qgemm_padded_depth(Int32(depth)))
            var mismatches = 0
            for m in 0..<rows {
                let pixel = first + m
                let (x, y, b) = (pixel % 3, pixel / 3 % 4, pixel / 12)
                var expected: [Int] = []
                for ky in 0..<filter {
                    for kx in 0..<filter {
                        let (iy, ix) = (y * stride - 1 + ky * dilation, x * stride - 1 + kx * dilation)
                        for c in 0..<channels {
                            let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                            let index = ((b * height + iy) * width + ix) * channels + c
                            expected.append(inside ? Int(input[index]) + zeroPoint : zeroPoint)
                        }
                    }
                }
                expected += [Int](repeating: 0, count: padded - depth)
                let actual = (0..<padded).map { k in
                    qgemm_has_wide_rows(kernel) != 0
                        ? Int(packed[2 * (m * padded + k)]) | Int(packed[2 * (m * padded + k) + 1]) << 8
                        : Int(packed[m * padded + k])
                }
                if actual != expected || rowTerms[m] != Int32(expected.reduce(0, +) * 2) { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(channels) channels, \(filter)x\(filter) s\(stride) d\(dilation)")
        }
    }
}
