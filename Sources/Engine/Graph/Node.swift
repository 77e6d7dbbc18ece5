/// One operation of the graph, reading and writing tensors by index.
public struct Node: Sendable {
    public var operation: Operation
    public var inputs: [Int]
    public var outputs: [Int]

    public init(operation: Operation, inputs: [Int], outputs: [Int]) {
        self.operation = operation
        self.inputs = inputs
        self.outputs = outputs
    }
}
