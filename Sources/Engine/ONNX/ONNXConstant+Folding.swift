extension ONNXConstant {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        return strides
    }

    /// The constant whose element at each multi-index of `shape` is this one's at `source(multiIndex)` (a flat
    /// index): the one loop behind transpose, slice, gather and concatenation at load.
    func remapped(to shape: [Int], _ source: ([Int]) -> Int) -> ONNXConstant {
        let count = shape.reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count)
        var positions: [Int] = []
        positions.reserveCapacity(count)
        for _ in 0..<count {
            positions.append(source(index))
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return gathering(positions, shape: shape)
    }

    /// Transpose: output axis i is input axis `permutation[i]`.
    func transposed(_ permutation: [Int]) -> ONNXConstant {
        let strides = Self.strides(shape)
        return remapped(to: permutation.map { shape[$0] }) { index in
            zip(index, permutation).reduce(0) { $0 + $1.0 * strides[$1.1] }
        }
    }

    /// The block at `begin` of `size`.
    func sliced(begin: [Int], size: [Int]) -> ONNXConstant {
        let strides = Self.strides(shape)
        return remapped(to: size) { index in (0..<index.count).reduce(0) { $0 + (begin[$1] + index[$1]) * strides[$1] }
        }
    }

    /// ONNX Gather along `axis` (negative indices count from the end).
    func gathered(_ indices: ONNXConstant, axis: Int, label: String) throws(ModelError) -> ONNXConstant {
        let dim = shape[axis]
        var resolved: [Int] = []
        for index in indices.integers {
            guard index >= -Int64(dim), index < Int64(dim) else {
                throw .invalid("\(label): index \(index) outside dim \(dim)")
            }
            resolved.append(Int(index < 0 ? index + Int64(dim) : index))
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var positions: [Int] = []
        for o in 0..<outer {
            for index in resolved { for i in 0..<inner { positions.append((o * dim + index) * inner + i) } }
        }
        return gathering(positions, shape: Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...]))
    }

    /// `parts` (this type and rank) joined along `axis`.
    static func concatenating(_ parts: [ONNXConstant], axis: Int, label: String) throws(ModelError) -> ONNXConstant {
        let first = parts[0]
        guard
            parts.allSatisfy({ part in
                part.dataType == first.dataType && part.shape.count == first.shape.count
                    && (0..<first.shape.count).allSatisfy { $0 == axis || part.shape[$0] == first.shape[$0] }
            })
        else { throw .invalid("\(label): cannot concatenate \(parts.map(\.shape)) on axis \(axis)") }
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let outer = shape[..<axis].reduce(1, *)
        var floats: [Float] = [], integers: [Int64] = []
        for o in 0..<outer {
            for part in parts {
                let row = part.shape[axis...].reduce(1, *)
                if first.isFloat {
                    floats += part.floats[(o * row)..<((o + 1) * row)]
                } else {
                    integers += part.integers[(o * row)..<((o + 1) * row)]
                }
            }
        }
        return first.isFloat
            ? ONNXConstant(shape: shape, floats: floats)
            : ONNXConstant(shape: shape, dataType: first.dataType, integers: integers)
    }

    /// ONNX Cast to the type numbered `to` (floats to integers truncate toward zero, as ONNX does).
    func cast(to: Int64, label: String) throws(ModelError) -> ONNXConstant {
        let target: DataType
        switch to {
        case 1: return ONNXConstant(shape: shape, floats: doubles.map { Float($0) })
        case 2, 9: target = .uint8
        case 3: target = .int8
        case 6: target = .int32
        case 7: target = .int64
        default: throw .unsupported("\(label): Cast to ONNX type \(to)")
        }
        var integers: [Int64] = []
        for value in doubles {
            guard value.isFinite, abs(value) < 9.2e18 else {
                throw .invalid("\(label): casting \(value) to an integer")
            }
            integers.append(Int64(value))
        }
        return ONNXConstant(shape: shape, dataType: target, integers: integers)
    }

    /// Element-wise `operation` of two constants of one type, equal shapes or one a single element.
    func combined(with other: ONNXConstant, _ opType: String, label: String) throws(ModelError) -> ONNXConstant {
        guard dataType == other.dataType,
            shape == other.shape || elementCount == 1 || other.elementCount == 1
        else { throw .unsupported("\(label): \(opType) of constants \(shape) and \(other.shape)") }
        let resultShape = elementCount >= other.elementCount ? shape : other.shape
        let count = max(elementCount, other.elementCount)
        func at(_ values: [Float], _ i: Int) -> Float { values.count == 1 ? values[0] : values[i] }
        if isFloat {
            let floats: [Float] = (0..<count).map { i in
                let (a, b) = (at(self.floats, i), at(other.floats, i))
                switch opType {
                case "Add": return a + b
                case "Sub": return a - b
                case "Mul": return a * b
                default: return a / b
                }
            }
            return ONNXConstant(shape: resultShape, floats: floats)
        }
        var integers: [Int64] = []
        for i in 0..<count {
            let a = self.integers.count == 1 ? self.integers[0] : self.integers[i]
            let b = other.integers.count == 1 ? other.integers[0] : other.integers[i]
            let (value, overflow): (Int64, Bool)
            switch opType {
            case "Add": (value, overflow) = a.addingReportingOverflow(b)
            case "Sub": (value, overflow) = a.subtractingReportingOverflow(b)
            case "Mul": (value, overflow) = a.multipliedReportingOverflow(by: b)
            default:
                guard b != 0 else { throw .invalid("\(label): integer division by zero") }
                (value, overflow) = a.dividedReportingOverflow(by: b)
            }
            guard !overflow else { throw .invalid("\(label): \(opType) of \(a) and \(b) overflows") }
            integers.append(value)
        }
        return ONNXConstant(shape: resultShape, dataType: dataType, integers: integers)
    }
}
