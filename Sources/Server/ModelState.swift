import Synchronization

/// The loaded model, once `modelFn` has returned: nil until then. Read on every request, written once.
public final class ModelState<Model: Sendable>: Sendable {
    private let model = Mutex<Model?>(nil)

    public init() {}

    public var current: Model? { model.withLock { $0 } }

    public func set(_ value: Model) { model.withLock { $0 = value } }
}
