/// Where every intermediate tensor of a graph lives in one arena, for backends that store each element in
/// `elementSize` bytes: RESHAPE outputs share their input's storage, tensors never live at the same time share
/// memory (`ArenaPlanner`), and per-node scratch buffers get room during their node only.
///
/// Steps: 0 writes the graph inputs, 1...n are the nodes, n + 1 reads the outputs.
public struct ArenaLayout: Sendable {
    /// The tensor whose storage each tensor uses (itself, or the input of the RESHAPE that made it).
    public let storageRoot: [Int]
    /// Byte offset of each root tensor that needs arena storage (activations in use); nil for constants, unused
    /// and unstored tensors.
    public let offsets: [Int?]
    /// Byte offset of each node's scratch buffer, when it asked for one.
    public let scratchOffsets: [Int: Int]
    /// Arena bytes.
    public let size: Int
    /// Constants some node reads as data (not as a filter or bias of a convolution, which backends pack).
    public let constantsReadAsData: Set<Int>

    /// `outputs`: tensors read after the last node (the graph's outputs, and any extra). `unstored`: root tensors
    /// (no RESHAPE's outputs) that get no storage because the backend never stores them in its form (it hands them
    /// from node to node in its own, or reads the caller's buffer). `scratchBytes`: scratch bytes a node needs while
    /// it runs (0 for none).
    public init(
        graph: Graph, outputs: [Int], elementSize: Int, unstored: Set<Int> = [],
        scratchBytes: (Int, Node) -> Int = { _, _ in 0 }
    ) {
        let tensors = graph.tensors
        var root = Array(tensors.indices)
        var first = [Int](repeating: .max, count: tensors.count), last = [Int](repeating: -1, count: tensors.count)
        func use(_ tensor: Int, at step: Int) {
            first[root[tensor]] = min(first[root[tensor]], step)
            last[root[tensor]] = max(last[root[tensor]], step)
        }
        for input in graph.inputs { use(input, at: 0) }
        var packed = Set<Int>()
        for (position, node) in graph.nodes.enumerated() {
            let step = position + 1
            switch node.operation {
            case .reshape:
                root[node.outputs[0]] = root[node.inputs[0]]  // same bytes, new shape
                use(node.inputs[0], at: step)
                continue
            case .conv2D, .depthwiseConv2D:
                packed.formUnion(node.inputs.dropFirst())
                use(node.inputs[0], at: step)
            default:
                for input in node.inputs { use(input, at: step) }
            }
            for output in node.outputs { use(output, at: step) }
        }
        for output in outputs { use(output, at: graph.nodes.count + 1) }
        precondition(unstored.allSatisfy { root[$0] == $0 }, "an unstored tensor is another's RESHAPE")

        var requests: [ArenaPlanner.Request] = []
        var requestOfRoot: [Int: Int] = [:]
        for index in tensors.indices
        where last[index] >= 0 && root[index] == index && !tensors[index].isConstant && !unstored.contains(index) {
            requestOfRoot[index] = requests.count
            requests.append(
                .init(size: tensors[index].elementCount * elementSize, first: first[index], last: last[index]))
        }
        var requestOfScratch: [Int: Int] = [:]
        for (position, node) in graph.nodes.enumerated() {
            let bytes = scratchBytes(position, node)
            guard bytes > 0 else { continue }
            requestOfScratch[position] = requests.count
            requests.append(.init(size: bytes, first: position + 1, last: position + 1))
        }
        let (offsets, size) = ArenaPlanner.plan(requests)
        storageRoot = root
        self.offsets = tensors.indices.map { requestOfRoot[$0].map { offsets[$0] } }
        scratchOffsets = requestOfScratch.mapValues { offsets[$0] }
        self.size = size
        constantsReadAsData = Set(
            tensors.indices.filter { tensors[$0].isConstant && last[$0] >= 0 && !packed.contains($0) })
    }

    /// The byte offset of `tensor`'s storage (through its root), when it lives in the arena.
    public func offset(of tensor: Int) -> Int? { offsets[storageRoot[tensor]] }
}
