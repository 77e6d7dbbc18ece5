import Synchronization

/// Counts invocations in flight in two stages and refuses those past either bound as they arrive, before any of
/// their body is read: under overload the server spends almost nothing on work it cannot do.
///
/// A request holds a reading place while its body arrives, and an invocation place only once the body is whole:
/// clients that send slowly (up to the body timeout) can fill the reading places, which are many, but never
/// starve the invocations of the clients that send their bodies.
final class Admission: Sendable {
    /// Invocations past their body (decoding, queued, running); nil: unbounded.
    let capacity: Int?
    /// Bodies being read at once: four per invocation place (at least 16), which bounds their memory.
    let readingCapacity: Int?

    private struct Counts {
        var reading = 0
        var admitted = 0
    }

    private let counts = Mutex(Counts())

    init(capacity: Int?) {
        self.capacity = capacity
        readingCapacity = capacity.map { 4 * max($0, 4) }
    }

    /// Takes a reading place unless all are taken or the invocations are full; `finishReading()` gives it back.
    func tryStartReading() -> Bool {
        counts.withLock { counts in
            if let capacity, let readingCapacity, counts.reading >= readingCapacity || counts.admitted >= capacity {
                return false
            }
            counts.reading += 1
            return true
        }
    }

    func finishReading() { counts.withLock { $0.reading -= 1 } }

    /// Admits one more invocation unless `capacity` are in flight; the caller must `leave()` once answered.
    func tryEnter() -> Bool {
        counts.withLock { counts in
            if let capacity, counts.admitted >= capacity { return false }
            counts.admitted += 1
            return true
        }
    }

    func leave() { counts.withLock { $0.admitted -= 1 } }

    /// Whether a request arriving now would be refused: for refusing at the connection, before a request is routed
    /// (the handler's own calls stay the decisions that admit).
    var isFull: Bool {
        guard let capacity, let readingCapacity else { return false }
        return counts.withLock { $0.admitted >= capacity || $0.reading >= readingCapacity }
    }
}
