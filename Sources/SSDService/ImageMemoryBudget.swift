import Inference
import Synchronization

/// A bound on the memory that decoded images of requests in flight may hold, so that no mix of requests can take
/// the process past its memory: each request reserves what its images take to decode (from their headers, before
/// any pixel is decoded) and gives it back when it is answered.
///
/// Requests that do not fit wait, first come first served (a large one is never overtaken for ever by small
/// ones); one that could never fit is refused at once. Waiters are bounded by the server's admission, not here.
public final class ImageMemoryBudget: Sendable {
    /// Bytes that may be reserved at once.
    public let capacity: Int

    private struct State {
        var available: Int
        var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    /// A budget of `capacity` bytes of decoding memory, shared by all requests.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        state = Mutex(State(available: max(0, capacity)))
    }

    /// Bytes not reserved now.
    public var available: Int { state.withLock { $0.available } }

    /// Requests waiting for their bytes now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Reserves `bytes`, waiting until they are free; throws 413 when they exceed the whole capacity.
    public func reserve(_ bytes: Int) async throws(InferenceError) -> Reservation {
        guard bytes <= capacity else {
            throw InferenceError(
                status: 413, code: "images_too_large",
                message:
                    "the images need \(Self.megabytes(bytes)) MB to decode; at most \(Self.megabytes(capacity)) MB "
                    + "are decoded at once")
        }
        let granted = state.withLock { state in
            guard state.waiters.isEmpty, state.available >= bytes else { return false }
            state.available -= bytes
            return true
        }
        if !granted {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    // Taken again under the lock: a release may have come between the two.
                    if state.waiters.isEmpty, state.available >= bytes {
                        state.available -= bytes
                        return true
                    }
                    state.waiters.append((bytes, continuation))
                    return false
                }
                if now { continuation.resume() }
            }
        }
        return Reservation(budget: self, bytes: bytes)
    }

    /// Returns `bytes` and wakes the waiters that now fit, in order.
    fileprivate func release(_ bytes: Int) {
        let woken = state.withLock { state in
            state.available += bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            while let first = state.waiters.first, first.bytes <= state.available {
                state.available -= first.bytes
                woken.append(state.waiters.removeFirst().continuation)
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Bytes held against the budget, given back when the reservation is dropped (the request is answered, or
    /// failed): no path can leak them.
    public final class Reservation: Sendable {
        private let budget: ImageMemoryBudget
        private let held: Mutex<Int>

        fileprivate init(budget: ImageMemoryBudget, bytes: Int) {
            self.budget = budget
            held = Mutex(bytes)
        }

        /// Bytes held now.
        public var bytes: Int { held.withLock { $0 } }

        /// Gives back all but `bytes` (decoding is done, and only the decoded images stay).
        public func shrink(to bytes: Int) {
            let returned = held.withLock { held in
                let returned = max(0, held - max(0, bytes))
                held -= returned
                return returned
            }
            if returned > 0 { budget.release(returned) }
        }

        deinit { budget.release(held.withLock { $0 }) }
    }
}
