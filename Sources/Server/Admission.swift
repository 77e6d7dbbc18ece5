import NIOCore
import Synchronization

/// Counts invocations in flight in two stages, and keeps in line the requests that find no room.
///
/// A request holds a reading place while its body arrives, and an invocation place only once the body is whole:
/// clients that send slowly (up to the body timeout) can fill the reading places, which are many, but never
/// starve the invocations of the clients that send their bodies.
///
/// Two lines:
/// - a request whose head finds the server full waits with its body unread (its connection stops reading) until
///   woken, when a place frees, or until its connection gives up on it (`HeadAdmission`); see `wakeNext()` for
///   the order. Waiting costs a
///   connection nothing but a timer; refusing at once, under sustained overload, lets each client retry at once,
///   thousands of times a second, and those refusals take the cores that the admitted requests need;
/// - a request whose body is whole but finds the invocations full (a newcomer read its body beside a woken one)
///   waits, keeping its reading place, for the next invocation place, which goes to it before any head, first
///   come first served.
final class Admission: Sendable {
    /// Invocations past their body (decoding, queued, running); nil: unbounded.
    let capacity: Int?
    /// Bodies being read, or read and waiting to enter, at once: four per invocation place (at least 16), which
    /// bounds their memory.
    let readingCapacity: Int?

    /// A place in the line of heads.
    typealias Ticket = UInt64

    private struct Waiter {
        let ticket: Ticket
        let wake: @Sendable () -> Void
    }

    private struct Entrant {
        let ticket: Ticket
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var reading = 0
        var admitted = 0
        /// Heads waiting, their bodies unread.
        var waiters = CircularBuffer<Waiter>()
        /// Whole bodies waiting for an invocation place; they hold their reading places.
        var entrants = CircularBuffer<Entrant>()
        var nextTicket: Ticket = 0

        mutating func ticket() -> Ticket {
            nextTicket += 1
            return nextTicket
        }
    }

    private let state = Mutex(State())

    init(capacity: Int?) {
        self.capacity = capacity
        readingCapacity = capacity.map { 4 * max($0, 4) }
    }

    /// Whether one more request could start reading its body now and, nobody being ahead of it, enter after.
    ///
    /// Bodies being read count against the invocation places too, with as many again to spare (at least 4): a
    /// burst on an idle server reads at most that many bodies that must then wait to enter, rather than all the
    /// reading places' worth (measured at c=64: 18 of them, 2% of the answers 150-340 ms late, against 60 ms), and
    /// it takes that many clients uploading slowly, not one per place, to hold up the heads. (That bound keeps
    /// the bodies read from heads under the reading places too.)
    private func hasRoom(_ state: State) -> Bool {
        guard let capacity else { return true }
        return state.entrants.isEmpty && state.admitted < capacity
            && state.admitted + state.reading < capacity + max(capacity, 4)
    }

    /// A request's head arrived: nil when it may go on now, or its ticket in line, and then `wake` is called (on
    /// the thread that freed a place) when it may go on. A newcomer never overtakes the line.
    func arrive(wake: @escaping @Sendable () -> Void) -> Ticket? {
        state.withLock { state in
            // Room with a line means a woken request has not taken its place yet: the newcomer goes behind.
            if hasRoom(state), state.waiters.isEmpty { return nil }
            let ticket = state.ticket()
            state.waiters.append(Waiter(ticket: ticket, wake: wake))
            return ticket
        }
    }

    /// Takes `ticket` out of line: true when it was still waiting, false when its wake-up is already on its way.
    func withdraw(_ ticket: Ticket) -> Bool {
        state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.ticket == ticket }) else { return false }
            state.waiters.remove(at: index)
            return true
        }
    }

    /// Heads in line now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Whole bodies waiting for an invocation place now.
    var entering: Int { state.withLock { $0.entrants.count } }

    /// Whether a request with nobody ahead of it could go on now.
    var hasRoom: Bool { state.withLock { hasRoom($0) } }

    /// Wakes a head in line if there is room: after a place frees, or when a woken request could not take the
    /// place it was woken for (its client went away).
    ///
    /// The oldest, while the line is shorter than the invocation places; past that the line is not draining (the
    /// server is overloaded, not just busy), and the newest goes first: it is served at once, while the oldest,
    /// which would have been served late, run out of wait and are refused. First come first served would make
    /// every request served wait almost the whole admission wait (adaptive LIFO, as in Facebook's "Fail at Scale").
    func wakeNext() {
        let woken: Waiter? = state.withLock { state in
            guard hasRoom(state), !state.waiters.isEmpty else { return nil }
            return state.waiters.count > (capacity ?? 0) ? state.waiters.removeLast() : state.waiters.removeFirst()
        }
        woken?.wake()
    }

    /// Takes a reading place unless all are taken; `finishReading()` or `enter()` gives it back. Whether the
    /// invocations have room was decided from the head (`arrive`): by now a place may have gone to a request woken
    /// beside this one, and this one waits for the next in `enter()` rather than being refused with its body sent.
    func tryStartReading() -> Bool {
        state.withLock { state in
            if let readingCapacity, state.reading >= readingCapacity { return false }
            state.reading += 1
            return true
        }
    }

    /// Gives back a reading place whose body will not be invoked (too large, unreadable).
    func finishReading() {
        state.withLock { $0.reading -= 1 }
        wakeNext()
    }

    /// Trades a reading place for an invocation place, waiting for one behind the bodies already waiting; false
    /// when the task is cancelled first (the shutdown's grace period ran out). The caller must `leave()` once
    /// answered.
    func enter() async -> Bool {
        let ticket = state.withLock { $0.ticket() }
        let entered = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now: Bool? = state.withLock { state in
                    if Task.isCancelled {
                        state.reading -= 1
                        return false
                    }
                    if state.entrants.isEmpty, capacity.map({ state.admitted < $0 }) ?? true {
                        state.reading -= 1
                        state.admitted += 1
                        return true
                    }
                    state.entrants.append(Entrant(ticket: ticket, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let cancelled: Entrant? = state.withLock { state in
                guard let index = state.entrants.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                state.reading -= 1
                return state.entrants.remove(at: index)
            }
            cancelled?.continuation.resume(returning: false)
        }
        wakeNext()  // the reading place it gave back may be the room a head needs
        return entered
    }

    /// An admitted invocation was answered: its place goes to the oldest whole body waiting, else to a head in
    /// line (`wakeNext`).
    func leave() {
        let next: Entrant? = state.withLock { state in
            guard !state.entrants.isEmpty else {
                state.admitted -= 1
                return nil
            }
            state.reading -= 1
            return state.entrants.removeFirst()
        }
        if let next {
            next.continuation.resume(returning: true)
        } else {
            wakeNext()
        }
    }
}
