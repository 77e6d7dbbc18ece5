import Synchronization

/// Counts invocations in flight and refuses those past `capacity` as they arrive, before any of their body is
/// read: under overload the server spends almost nothing on work it cannot do, and answers 503 at once.
final class Admission: Sendable {
    /// Nil: unbounded.
    let capacity: Int?
    private let admitted = Mutex(0)

    init(capacity: Int?) { self.capacity = capacity }

    /// Admits one more invocation unless `capacity` are in flight; the caller must `leave()` once answered.
    func tryEnter() -> Bool {
        admitted.withLock { admitted in
            if let capacity, admitted >= capacity { return false }
            admitted += 1
            return true
        }
    }

    func leave() { admitted.withLock { $0 -= 1 } }

    /// Whether the next `tryEnter()` would fail now: for refusing at the connection, before a request is routed
    /// (the handler's `tryEnter()` stays the one decision that admits).
    var isFull: Bool {
        guard let capacity else { return false }
        return admitted.withLock { $0 >= capacity }
    }
}
