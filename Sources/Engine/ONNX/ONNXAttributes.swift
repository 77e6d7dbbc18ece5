/// A node's attributes, read with their type checked and a default where ONNX defines one.
struct ONNXAttributes {
    let node: ONNXProto.Node
    let label: String

    func int(_ name: String, default fallback: Int64) throws(ModelError) -> Int64 {
        switch node.attributes[name] {
        case nil: return fallback
        case .int(let value): return value
        default: throw .invalid("\(label): attribute \(name) is not an int")
        }
    }

    func ints(_ name: String) throws(ModelError) -> [Int64]? {
        switch node.attributes[name] {
        case nil: return nil
        case .ints(let values): return values
        default: throw .invalid("\(label): attribute \(name) is not a list of ints")
        }
    }

    func float(_ name: String, default fallback: Float) throws(ModelError) -> Float {
        switch node.attributes[name] {
        case nil: return fallback
        case .float(let value): return value
        default: throw .invalid("\(label): attribute \(name) is not a float")
        }
    }

    func string(_ name: String, default fallback: String) throws(ModelError) -> String {
        switch node.attributes[name] {
        case nil: return fallback
        case .string(let value): return value
        default: throw .invalid("\(label): attribute \(name) is not a string")
        }
    }

    /// The `axis` attribute resolved against `rank` (ONNX allows -rank..<rank).
    func axis(default fallback: Int64, rank: Int) throws(ModelError) -> Int {
        try Self.resolve(axis: try int("axis", default: fallback), rank: rank, label: label)
    }

    /// An axis in -rank..<rank as 0..<rank.
    static func resolve(axis: Int64, rank: Int, label: String) throws(ModelError) -> Int {
        guard axis >= -Int64(rank), axis < Int64(rank) else { throw .invalid("\(label): axis \(axis) of rank \(rank)") }
        return Int(axis < 0 ? axis + Int64(rank) : axis)
    }

    /// A list attribute of `count` ints, each in `range` (strides, dilations, pads, kernel sizes).
    func ints(_ name: String, count: Int, in range: ClosedRange<Int64>, default fallback: [Int]) throws(ModelError)
        -> [Int]
    {
        guard let values = try ints(name) else { return fallback }
        guard values.count == count, values.allSatisfy(range.contains) else {
            throw .invalid("\(label): \(name) \(values); expected \(count) values in \(range)")
        }
        return values.map { Int($0) }
    }
}
