import Engine

/// A function of one real value (LOGISTIC, RELU, RELU6, EXP, QUANTIZE, DEQUANTIZE). A quantized input has only 256
/// values, so the function is tabulated once at load and `run` is a table lookup, as in TFLite.
final class UnaryMap: SerialKernel {
    let input: StoredTensor
    let output: StoredTensor
    let function: (Float) -> Float
    /// Output stored value per input stored value + zero point; empty for float inputs.
    let table: [Float]

    init(input: StoredTensor, output: StoredTensor, function: @escaping (Float) -> Float) {
        self.input = input
        self.output = output
        self.function = function
        table = input.quantization.map { StoredValues.table(input: $0, output: output.quantization, function) } ?? []
    }

    func run() {
        let count = output.count
        if let quantization = input.quantization {
            let byte = QuantizedByte(zeroPoint: quantization.zeroPoint)
            table.withUnsafeBufferPointer { table in
                for i in 0..<count { output.pointer[i] = table[Int(byte(input.pointer[i]))] }
            }
        } else {
            for i in 0..<count { output.pointer[i] = output.stored(real: function(input.pointer[i])) }
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

/// Stored values out to a graph output's own type.
final class OutputConversion: SerialKernel {
    let source: StoredTensor
    let destination: UnsafeMutableRawBufferPointer

    init(source: StoredTensor, destination: UnsafeMutableRawBufferPointer) {
        self.source = source
        self.destination = destination
    }

    func run() {
        let count = source.count
        if let quantization = source.quantization {
            let bytes = destination.bindMemory(to: UInt8.self)
            let byte = QuantizedByte(zeroPoint: quantization.zeroPoint)
            for i in 0..<count { bytes[i] = byte(source.pointer[i]) }
        } else {
            destination.bindMemory(to: Float.self).baseAddress!.update(from: source.pointer, count: count)
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
