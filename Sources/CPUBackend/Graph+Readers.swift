import Engine

extension Graph {
    /// The positions of the nodes that read each tensor, by tensor index, in node order; a node that reads a tensor
    /// twice is listed once. The planner's fusions ask it whether a tensor has one reader, or which.
    func readers() -> [Int: [Int]] {
        var readers: [Int: [Int]] = [:]
        for (position, node) in nodes.enumerated() {
            for input in Set(node.inputs) { readers[input, default: []].append(position) }
        }
        return readers
    }
}
