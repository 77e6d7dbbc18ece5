/// One operation of the graph, reading and writing tensors by index.
public struct Node: Sendable {
    /// What the node computes, with its parameters.
    public var operation: Operation
    /// Indices into `Graph.tensors`, in the op's operand order (data first, then filter and bias where it has them).
    public var inputs: [Int]
    /// Indices into `Graph.tensors` of what the node writes; in a valid graph each tensor is written once.
    public var outputs: [Int]

    /// A node as given: the loader bounds the indices, `Graph.validated()` checks types and shapes.
    public init(operation: Operation, inputs: [Int], outputs: [Int]) {
        self.operation = operation
        self.inputs = inputs
        self.outputs = outputs
    }
}
