import Synchronization

/// The loaded model, once `modelFn` has returned: nil until then. Read on every request, written once.
public final class ModelState<Model: Sendable>: Sendable {
    private let model = Mutex<Model?>(nil)

    /// No model yet: /ping answers 503.
    public init() {}

    /// The loaded model, or nil while it loads.
    public var current: Model? { model.withLock { $0 } }

    /// Publishes the loaded model: from then on /ping is ready.
    public func set(_ value: Model) { model.withLock { $0 = value } }
}
