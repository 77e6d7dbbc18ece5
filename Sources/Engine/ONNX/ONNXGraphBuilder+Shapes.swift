extension ONNXGraphBuilder {
    /// The ops that move or reinterpret elements: evaluated at load on constants (the shape arithmetic of
    /// exporters), made engine ops (or aliases) on activations.
    mutating func convertShapeOperator(
        _ node: ONNXProto.Node, inputs: [Value?], output: String, attributes: ONNXAttributes, label: String
    ) throws(ModelError) {
        let value = try input(inputs, 0, label)
        let shape = logicalShape(value)
        func unsupported(_ reason: String) -> ModelError {
            .unsupportedOperator(name: node.opType, model: graph.name, reason: "\(label): \(reason)")
        }
        switch node.opType {
        case "Shape":
            // Opset 15's start and end pick a part of the shape, clamped like a slice.
            let rank = Int64(shape.count)
            func clamp(_ bound: Int64) -> Int { Int(min(max(bound < 0 ? bound + rank : bound, 0), rank)) }
            let start = clamp(try attributes.int("start", default: 0))
            let end = max(start, clamp(try attributes.int("end", default: rank)))
            values[output] = .constant(
                ONNXConstant(shape: [end - start], integers: shape[start..<end].map { Int64($0) }))
        case "Gather":
            guard case .constant(let data) = value else { throw unsupported("gathering from an activation") }
            let indices = try constantInput(inputs, 1, label, what: "Gather's indices")
            let axis = try attributes.axis(default: 0, rank: max(data.shape.count, 1))
            guard !data.shape.isEmpty, !indices.isFloat else { throw .invalid("\(label): Gather of a scalar") }
            values[output] = .constant(try data.gathered(indices, axis: axis, label: label))
        case "Unsqueeze", "Squeeze":
            let axes: [Int64]?
            if model.opsetVersion >= 13, inputs.count > 1, inputs[1] != nil {
                axes = try constantInput(inputs, 1, label, what: "\(node.opType)'s axes").integers
            } else {
                axes = try attributes.ints("axes")
            }
            let newShape =
                node.opType == "Unsqueeze"
                ? try unsqueezed(shape, axes: axes ?? [], label: label) : try squeezed(shape, axes: axes, label: label)
            try reshape(value, to: newShape, output: output, label: label)
        case "Reshape":
            let target = try constantInput(inputs, 1, label, what: "Reshape's shape \(inputName(node, 1))")
            let allowZero = try attributes.int("allowzero", default: 0) != 0
            try reshape(
                value, to: try reshapeTarget(shape, target.integers, allowZero: allowZero, label: label),
                output: output, label: label)
        case "Flatten":
            let axis = try attributes.axis(default: 1, rank: shape.count + 1)
            try reshape(
                value, to: [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)], output: output, label: label)
        case "Cast":
            let to = try attributes.int("to", default: 0)
            switch value {
            case .constant(let constant): values[output] = .constant(try constant.cast(to: to, label: label))
            case .activation(let index, _):
                guard to == 1, graph.tensors[index].dataType == .float32 else {
                    throw unsupported("casting an activation to ONNX type \(to)")
                }
                values[output] = value
            }
        case "Concat":
            let parts = try (0..<inputs.count).map { (i) throws(ModelError) in try input(inputs, i, label) }
            let axis = try attributes.axis(default: 0, rank: shape.count)
            if case let constants = parts.compactMap({ if case .constant(let c) = $0 { c } else { nil } }),
                constants.count == parts.count
            {
                values[output] = .constant(try ONNXConstant.concatenating(constants, axis: axis, label: label))
                return
            }
            let channelsFirst = parts.contains { if case .activation(_, true) = $0 { true } else { false } }
            var indices: [Int] = []
            for (position, part) in parts.enumerated() {
                if case .activation(let index, let partFirst) = part, partFirst == channelsFirst {
                    indices.append(index)
                } else if case .constant = part, !channelsFirst {
                    indices.append(tensorIndex(part, name: node.inputs[position]))
                } else {
                    throw unsupported("concatenating channels-first activations with other values")
                }
            }
            try emit(
                .concatenation(axis: channelsFirst ? Self.channelsLastAxis[axis] : axis, activation: .none),
                inputs: indices, output: output, channelsFirst: channelsFirst, label: label)
        case "Transpose":
            let permutation = try attributes.ints("perm")?.map { Int($0) } ?? Array((0..<shape.count).reversed())
            guard permutation.sorted() == Array(0..<shape.count) else {
                throw .invalid("\(label): perm \(permutation) of rank \(shape.count)")
            }
            switch value {
            case .constant(let constant): values[output] = .constant(constant.transposed(permutation))
            case .activation(let index, let channelsFirst):
                // NCHW stored as NHWC, transposed to NHWC, is the tensor as it lies; NHWC transposed to NCHW is
                // the same tensor seen channels-first. Both are free; any other transpose would move elements.
                if permutation == Array(0..<shape.count) {
                    values[output] = value
                } else if channelsFirst, permutation == [0, 2, 3, 1] {
                    values[output] = .activation(index, channelsFirst: false)
                } else if !channelsFirst, shape.count == 4, permutation == [0, 3, 1, 2] {
                    values[output] = .activation(index, channelsFirst: true)
                } else {
                    throw unsupported("transposing an activation by \(permutation)")
                }
            }
        case "Slice":
            let (begin, size) = try sliceBounds(
                node, inputs: inputs, shape: shape, attributes: attributes, label: label)
            switch value {
            case .constant(let constant): values[output] = .constant(constant.sliced(begin: begin, size: size))
            case .activation(let index, let channelsFirst):
                let order = channelsFirst ? [0, 2, 3, 1] : Array(0..<shape.count)
                try emit(
                    .slice(begin: order.map { begin[$0] }, size: order.map { size[$0] }), inputs: [index],
                    output: output, channelsFirst: channelsFirst, label: label)
            }
        default:
            throw .unsupportedOperator(name: node.opType, model: graph.name, reason: label)
        }
    }

    /// Where a channels-first (NCHW) axis lies in the engine's NHWC storage.
    static let channelsLastAxis = [0, 3, 1, 2]

    /// A constant reshaped, or an activation given a RESHAPE op. A channels-first activation is refused unless its
    /// channels or its pixels are a single one, where NCHW and NHWC order the elements alike.
    private mutating func reshape(_ value: Value, to newShape: [Int], output: String, label: String)
        throws(ModelError)
    {
        let shape = logicalShape(value)
        guard newShape.allSatisfy({ $0 >= 0 }), Graph.elementCount(newShape) == shape.reduce(1, *) else {
            throw .invalid("\(label): cannot reshape \(shape) to \(newShape)")
        }
        switch value {
        case .constant(let constant): values[output] = .constant(constant.reshaped(newShape))
        case .activation(let index, let channelsFirst):
            if channelsFirst, shape[1] != 1, shape[2] * shape[3] != 1 {
                throw .unsupported(
                    "\(label): reshaping the channels-first activation \(graph.tensors[index].name) \(shape) would "
                        + "need its elements in NCHW order; transpose it to NHWC (perm 0,2,3,1) first")
            }
            try emit(.reshape, inputs: [index], output: output, declaredShape: newShape, label: label)
        }
    }

    /// ONNX Reshape's target: 0 copies the input's dim (unless `allowZero`), one -1 takes what is left.
    private func reshapeTarget(_ shape: [Int], _ target: [Int64], allowZero: Bool, label: String) throws(ModelError)
        -> [Int]
    {
        var result: [Int] = []
        var wildcard: Int?
        for (axis, dim) in target.enumerated() {
            switch dim {
            case -1 where wildcard == nil:
                wildcard = axis
                result.append(1)
            case 0 where !allowZero:
                guard axis < shape.count else { throw .invalid("\(label): shape \(target) copies a dim of \(shape)") }
                result.append(shape[axis])
            case 0...Int64(Int32.max): result.append(Int(dim))
            default: throw .invalid("\(label): reshape to \(target)")
            }
        }
        if let wildcard {
            let total = shape.reduce(1, *)
            // A hostile target's dims can overflow their product: no count, no reshape.
            guard let known = Graph.elementCount(result), known > 0, total % known == 0 else {
                throw .invalid("\(label): cannot reshape \(shape) to \(target)")
            }
            result[wildcard] = total / known
        }
        return result
    }

    private func unsqueezed(_ shape: [Int], axes: [Int64], label: String) throws(ModelError) -> [Int] {
        let rank = shape.count + axes.count
        var resolved: [Int] = []
        for axis in axes { resolved.append(try ONNXAttributes.resolve(axis: axis, rank: rank, label: label)) }
        guard Set(resolved).count == resolved.count else { throw .invalid("\(label): repeated axes \(axes)") }
        var remaining = shape[...]
        return (0..<rank).map { resolved.contains($0) ? 1 : remaining.popFirst()! }
    }

    private func squeezed(_ shape: [Int], axes: [Int64]?, label: String) throws(ModelError) -> [Int] {
        guard let axes else { return shape.filter { $0 != 1 } }
        var resolved: Set<Int> = []
        for axis in axes {
            let index = try ONNXAttributes.resolve(axis: axis, rank: shape.count, label: label)
            guard shape[index] == 1 else { throw .invalid("\(label): squeezing axis \(axis) of \(shape)") }
            resolved.insert(index)
        }
        return shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    }

    /// Slice's starts, ends, axes and steps (attributes before opset 10, constant inputs since) as a begin and a
    /// size per axis, clamped to the shape as ONNX defines; steps other than 1 and empty slices are refused.
    private func sliceBounds(
        _ node: ONNXProto.Node, inputs: [Value?], shape: [Int], attributes: ONNXAttributes, label: String
    ) throws(ModelError) -> (begin: [Int], size: [Int]) {
        var starts: [Int64], ends: [Int64], axes: [Int64]?, steps: [Int64]?
        if model.opsetVersion < 10 {
            starts = try attributes.ints("starts") ?? []
            ends = try attributes.ints("ends") ?? []
            axes = try attributes.ints("axes")
        } else {
            starts = try constantInput(inputs, 1, label, what: "Slice's starts").integers
            ends = try constantInput(inputs, 2, label, what: "Slice's ends").integers
            func optional(_ position: Int, _ what: String) throws(ModelError) -> [Int64]? {
                guard position < inputs.count, inputs[position] != nil else { return nil }
                return try constantInput(inputs, position, label, what: what).integers
            }
            axes = try optional(3, "Slice's axes")
            steps = try optional(4, "Slice's steps")
        }
        let axisList = axes ?? (0..<Int64(starts.count)).map { $0 }
        guard starts.count == ends.count, axisList.count == starts.count, (steps ?? []).allSatisfy({ $0 == 1 }),
            steps == nil || steps!.count == starts.count
        else {
            throw .unsupportedOperator(
                name: "Slice", model: graph.name, reason: "\(label): only steps of 1, one start and end per axis")
        }
        var begin = [Int](repeating: 0, count: shape.count)
        var size = shape
        for (i, axisValue) in axisList.enumerated() {
            let axis = try ONNXAttributes.resolve(axis: axisValue, rank: shape.count, label: label)
            let dim = Int64(shape[axis])
            func clamp(_ bound: Int64) -> Int64 { min(max(bound < 0 ? bound + dim : bound, 0), dim) }
            let (start, end) = (clamp(starts[i]), clamp(ends[i]))
            guard end > start else { throw .unsupported("\(label): an empty slice of axis \(axis)") }
            begin[axis] = Int(start)
            size[axis] = Int(end - start)
        }
        return (begin, size)
    }
}
