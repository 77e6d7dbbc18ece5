import Engine

/// A function of one real value (LOGISTIC, RELU, RELU6, EXP, QUANTIZE, DEQUANTIZE). A quantized input has only 256
/// values, so the function is tabulated once at load and `run` is a table lookup, as in TFLite. Large tensors
/// split into element ranges (`elementPartition`).
final class UnaryMap: CPUKernel, PartitionedKernel {
    let input: StoredTensor
    let output: StoredTensor
    let function: (Float) -> Float
    /// Output stored value per input stored value + zero point; empty for float inputs.
    let table: [Float]
    let parts: Int
    private let elementsPerPart: Int

    init(input: StoredTensor, output: StoredTensor, function: @escaping (Float) -> Float, threads: Int) {
        self.input = input
        self.output = output
        self.function = function
        table = input.quantization.map { StoredValues.table(input: $0, output: output.quantization, function) } ?? []
        (parts, elementsPerPart) = elementPartition(count: output.count, threads: threads)
    }

    func run(part: Int) {
        let first = part * elementsPerPart
        let count = min(elementsPerPart, output.count - first)
        let (from, to) = (input.pointer + first, output.pointer + first)
        if let quantization = input.quantization {
            let byte = QuantizedByte(zeroPoint: quantization.zeroPoint)
            table.withUnsafeBufferPointer { table in
                for i in 0..<count { to[i] = table[Int(byte(from[i]))] }
            }
        } else {
            for i in 0..<count { to[i] = output.stored(real: function(from[i])) }
        }
    }
}

/// ADD, SUB and MUL of equal shapes or with a one-element operand, in real values.
final class Arithmetic: SerialKernel {
    let left: StoredTensor
    let right: StoredTensor
    let output: StoredTensor
    let arithmetic: ElementwiseArithmetic
    let activation: FusedActivation

    init(
        left: StoredTensor, right: StoredTensor, output: StoredTensor, arithmetic: ElementwiseArithmetic,
        activation: FusedActivation
    ) {
        self.left = left
        self.right = right
        self.output = output
        self.arithmetic = arithmetic
        self.activation = activation
    }

    func run() {
        let (leftCount, rightCount) = (left.count, right.count)
        if output.quantization == nil && left.quantization == nil && right.quantization == nil {
            // Float: the arithmetic and the clamp inline, no per-element call (the residual adds of float models).
            let range = output.range(activation)
            let (a, b, out, arithmetic) = (left.pointer, right.pointer, output.pointer, arithmetic)
            if leftCount == output.count && rightCount == output.count {
                Self.floatLoop(
                    a, b, out, count: output.count, arithmetic, lower: range.lowerBound, upper: range.upperBound)
                return
            }
            for i in 0..<output.count {
                let value = arithmetic.apply(a[leftCount == 1 ? 0 : i], b[rightCount == 1 ? 0 : i])
                out[i] = min(max(value, range.lowerBound), range.upperBound)
            }
            return
        }
        let (leftScale, rightScale) = (left.scale, right.scale)
        for i in 0..<output.count {
            let a = leftScale * left.pointer[leftCount == 1 ? 0 : i]
            let b = rightScale * right.pointer[rightCount == 1 ? 0 : i]
            output.pointer[i] = output.stored(real: arithmetic.apply(a, b), activation: activation)
        }
    }
}

extension Arithmetic {
    /// Equal shapes, float: one loop per arithmetic, which LLVM vectorizes (the loop above, with its operand
    /// selection and its switch per element, took 0.04 ms over UltraFace's residual add of 77k floats, 3% of the
    /// network).
    fileprivate static func floatLoop(
        _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        count: Int, _ arithmetic: ElementwiseArithmetic, lower: Float, upper: Float
    ) {
        switch arithmetic {
        case .add:
            for i in 0..<count {
                let v = a[i] + b[i]
                out[i] = v < lower ? lower : (v > upper ? upper : v)
            }
        case .subtract:
            for i in 0..<count {
                let v = a[i] - b[i]
                out[i] = v < lower ? lower : (v > upper ? upper : v)
            }
        case .multiply:
            for i in 0..<count {
                let v = a[i] * b[i]
                out[i] = v < lower ? lower : (v > upper ? upper : v)
            }
        }
    }
}

/// Quantized graph inputs into stored form: uint8 to `q - zeroPoint` (float inputs are read in place).
final class InputConversion: SerialKernel {
    let source: UnsafeMutableRawBufferPointer
    let destination: StoredTensor

    init(source: UnsafeMutableRawBufferPointer, destination: StoredTensor) {
        self.source = source
        self.destination = destination
    }

    func run() {
        let count = destination.count
        if let quantization = destination.quantization {
            let bytes = source.bindMemory(to: UInt8.self)
            let zeroPoint = Float(quantization.zeroPoint)
            for i in 0..<count { destination.pointer[i] = Float(bytes[i]) - zeroPoint }
        } else {
            destination.pointer.update(from: source.bindMemory(to: Float.self).baseAddress!, count: count)
        }
    }
}

/// Stored values out to a graph output's own type, large outputs in element ranges (`elementPartition`).
final class OutputConversion: CPUKernel, PartitionedKernel {
    let source: StoredTensor
    let destination: UnsafeMutableRawBufferPointer
    let parts: Int
    private let elementsPerPart: Int

    init(source: StoredTensor, destination: UnsafeMutableRawBufferPointer, threads: Int) {
        self.source = source
        self.destination = destination
        (parts, elementsPerPart) = elementPartition(count: source.count, threads: threads)
    }

    func run(part: Int) {
        let first = part * elementsPerPart
        let count = min(elementsPerPart, source.count - first)
        // Pointers in locals: read through `source` in the loop, the pointer was loaded again for every byte stored
        // (a byte store may alias it) and the loop ran 6x slower, unvectorized.
        let from = source.pointer + first
        if let quantization = source.quantization {
            let to = destination.bindMemory(to: UInt8.self).baseAddress! + first
            let byte = QuantizedByte(zeroPoint: quantization.zeroPoint)
            for i in 0..<count { to[i] = byte(from[i]) }
        } else {
            (destination.bindMemory(to: Float.self).baseAddress! + first).update(from: from, count: count)
        }
    }
}

/// A quantized uint8 tensor's byte from its stored value (`q - zeroPoint`, an exact integer). Adding 1.5 x 2^23
/// to a float integer below 2^22 in magnitude leaves that integer in the low bits of the sum's significand, so
/// the byte is those bits: no float-to-integer conversion, whose range checks kept these loops scalar (LOGISTIC's
/// table lookups had been 3% of an AVX-512 VNNI profile of `bench` on SSD MobileNet, the outputs' conversion 2%).
private struct QuantizedByte {
    let offset: Float

    init(zeroPoint: Int32) { offset = Float(zeroPoint) + 12_582_912 }

    func callAsFunction(_ stored: Float) -> UInt8 { UInt8(truncatingIfNeeded: (stored + offset).bitPattern) }
}
