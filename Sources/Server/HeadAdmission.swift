import HTTPTypes
import Inference
import NIOCore

/// What `ConnectionGuard` asks, on the event loop, before a request's head goes on to Hummingbird: cheap, no I/O.
protocol HeadAdmission: Sendable {
    /// Whether the request goes on, is refused at once, or waits in line; `wake` is called, on any thread, when
    /// a waiting request may go on.
    func decide(_ head: HTTPRequest, wake: @escaping @Sendable () -> Void) -> HeadDecision
    /// A wait ran out: nil when the request may go on after all (its wake-up is on its way), or the refusal to
    /// answer.
    func waitExpired(_ ticket: Admission.Ticket) -> InferenceError?
    /// A waiting (or just woken) request will not go on: its connection closed, or the server drains.
    func abandon(_ ticket: Admission.Ticket)
}

/// `HeadAdmission`'s answer.
enum HeadDecision {
    case goOn
    case refuse(InferenceError)
    /// Stop reading the connection until woken, or until the time limit, whichever comes first.
    case wait(Admission.Ticket, limit: TimeAmount)
}
