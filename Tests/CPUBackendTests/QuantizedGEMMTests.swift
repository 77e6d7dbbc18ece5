@testable import CPUBackend
import CQuantizedGEMM
import Engine
import Testing
import TestSupport

/// Each 8-bit kernel this CPU runs against plain integer arithmetic, on the values that break inexact kernels:
/// activations of 255 against weights of 0 and 255 (stored -128 and 127: a vpmaddubsw pair would saturate), and
/// depths, rows and columns that are not multiples of the kernels' steps (4 depths, 4 rows, 16 and 32 columns).
struct QuantizedGEMMTests {
    enum Values: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case random, largestTimesSmallest, largestTimesLargest
        var testDescription: String { rawValue }
    }

    static let shapes: [(rows: Int, columns: Int, depth: Int)] = [
        (1, 1, 1), (3, 17, 5), (4, 16, 4), (5, 33, 31), (7, 48, 64), (9, 15, 67), (13, 40, 129), (2, 70, 600),
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
            let rowSumScale: Int32 = 3
            let columnTerms = (0..<columns).map { Int32($0 * 1000 - 7) }
            let stride = columns + 5
            var output = [Int32](repeating: -1, count: rows * stride)
            var rowTerms = [Int32](repeating: 0, count: rows)
            var packedWeights = [UInt8](
                repeating: 0, count: qgemm_packed_weights_size(kernel, Int32(columns), Int32(depth)))
            var packed = [UInt8](repeating: 0, count: qgemm_packed_activations_size(kernel, Int32(rows), Int32(depth)))
            qgemm_pack_weights(kernel, Int32(columns), Int32(depth), weights, &packedWeights)
            qgemm_pack_activations(
                kernel, Int32(rows), Int32(depth), stored, Int32(depth), Float(zeroPoint), &packed, rowSumScale,
                &rowTerms)
            qgemm_multiply(
                kernel, Int32(rows), Int32(columns), Int32(depth), packed, packedWeights, rowTerms, columnTerms,
                &output, Int32(stride))
            var mismatches = 0
            for m in 0..<rows {
                let rowSum = (0..<depth).reduce(0) { $0 + Int(activations[m * depth + $1]) }
                #expect(rowTerms[m] == Int32(rowSum) * rowSumScale)
                for n in 0..<stride {
                    guard n < columns else {
                        #expect(output[m * stride + n] == -1, "wrote past column \(columns)")
                        continue
                    }
                    let products = (0..<depth).reduce(0) {
                        $0 + Int(activations[m * depth + $1]) * (Int(weights[n * depth + $1]) - 128)
                    }
                    let expected = Int32(products + rowSum * Int(rowSumScale)) + columnTerms[n]
                    if output[m * stride + n] != expected { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(rows)x\(columns)x\(depth): \(mismatches) accumulators differ")
        }
    }

    /// TFLite's MultiplyByQuantizedMultiplier, bias, zero point and clamp, against Engine's scalar version, over
    /// multipliers with left and right shifts and accumulators of both signs (int32 and float inputs).
    @Test(arguments: InstructionSets.supported)
    func requantizationMatchesTFLite(_ instructionSet: CPUInstructionSet) {
        var random = SplitMix64(seed: 17)
        for real in [0.000_37, 0.0123, 0.27, 0.5, 0.99, 1.7, 3.2] {
            let multiplier = QuantizedMultiplier(real)
            let channels = 1 + Int(random.next() % 40)
            let accumulators = (0..<(2 * channels)).map { _ in
                Int32(truncatingIfNeeded: random.next() % 400_001) - 200_000
            }
            let bias = (0..<channels).map { _ in Int32(truncatingIfNeeded: random.next() % 2001) - 1000 }
            let (zeroPoint, low, high): (Int32, Int32, Int32) = (17, 3, 250)
            for floatAccumulators in [false, true] {
                var values: [UInt32] =
                    floatAccumulators
                    ? accumulators.map { Float($0).bitPattern } : accumulators.map { UInt32(bitPattern: $0) }
                qgemm_requantize(
                    instructionSet.kernel!, 2, Int32(channels), &values, floatAccumulators ? 1 : 0, bias,
                    multiplier.significand, Int32(multiplier.shift), zeroPoint, low, high)
                for (index, accumulator) in accumulators.enumerated() {
                    let quantized = min(max(multiplier(accumulator + bias[index % channels]) + zeroPoint, low), high)
                    #expect(Float(bitPattern: values[index]) == Float(quantized - zeroPoint), "\(real) at \(index)")
                }
            }
        }
    }
}
