/// Options for planning a graph on a backend.
public struct BackendOptions: Sendable {
    /// Worker threads for the arithmetic, 1...`maximumThreads`; nil for the backend's default (all cores, at most
    /// `maximumThreads`).
    public var threads: Int?
    /// Intermediate tensors to keep readable after `run` as extra outputs, after the graph's own (for tests and
    /// debugging: e.g. the logits before a LOGISTIC).
    public var extraOutputs: [Int]
    /// Keep warming up (200 ms on the CPU) so that an inference right after `prepare` runs at full speed: the
    /// threads of a new pool spread over the cores, and a new process gets past what starts and ends beside it.
    /// False for one warm-up inference only: a command that runs a few images and exits, or a single-threaded
    /// detector in a server, whose first request comes after readiness, long after the start.
    public var thoroughWarmUp: Bool

    /// Defaults: the backend's thread count, no extra outputs, thorough warm-up; `prepare` checks them (`validate()`).
    public init(threads: Int? = nil, extraOutputs: [Int] = [], thoroughWarmUp: Bool = true) {
        self.threads = threads
        self.extraOutputs = extraOutputs
        self.thoroughWarmUp = thoroughWarmUp
    }
}

/// Why `run` failed. CPU backends cannot fail once planned; an accelerator can (a lost device).
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// What failed, for logs and the server's error message (e.g. the CUDA call and its result).
    public let message: String

    /// A failure described by `message`.
    public init(_ message: String) { self.message = message }

    /// `message` alone, so that interpolating the error prints just it.
    public var description: String { message }
}

/// A place to run graphs (in the spirit of ggml's backend interface): it says which ops it supports and plans a
/// graph once, for its fixed shapes, into a `PreparedModel` that then only computes.
public protocol Backend: Sendable {
    /// Short name for flags and tables ("cpu", "reference").
    var name: String { get }

    /// Nil when the backend can run `node` of `graph`, else why not.
    func unsupportedReason(for node: Node, in graph: Graph) -> String?

    /// Validates `graph`, infers its shapes, lays out its memory, packs its weights and runs one warm-up
    /// inference. Everything that can be decided before a request is decided here.
    func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel
}

/// A graph planned for one backend, with its own memory: one instance serves one inference at a time.
///
/// Callers write the inputs in place (`input(_:)`), call `run()`, and read the outputs in place (`output(_:)`).
/// `run` plans nothing and allocates nothing.
public protocol PreparedModel: AnyObject {
    /// The validated graph, with inferred shapes.
    var graph: Graph { get }
    /// Tensor indices of the inputs, in the order of `input(_:)`.
    var inputIndices: [Int] { get }
    /// Tensor indices of the outputs (the graph's, then the extra ones asked for), in the order of `output(_:)`.
    var outputIndices: [Int] { get }
    /// The bytes of input `position`, laid out as its tensor's type and shape say.
    func input(_ position: Int) -> UnsafeMutableRawBufferPointer
    /// The bytes of output `position`, valid until the next `run`.
    func output(_ position: Int) -> UnsafeRawBufferPointer
    /// One inference.
    func run() throws(RunError)
}

extension Backend {
    /// The first node of `graph` this backend cannot run, as an error naming the op, the model and the reason.
    public func checkSupport(_ graph: Graph) throws(ModelError) {
        for node in graph.nodes {
            if let reason = unsupportedReason(for: node, in: graph) {
                throw .unsupportedOperator(name: node.operation.name, model: graph.name, reason: reason)
            }
        }
    }
}

extension PreparedModel {
    /// The tensor behind output `position`.
    public func outputTensor(_ position: Int) -> Tensor { graph.tensors[outputIndices[position]] }

    /// The tensor behind input `position`.
    public func inputTensor(_ position: Int) -> Tensor { graph.tensors[inputIndices[position]] }
}
