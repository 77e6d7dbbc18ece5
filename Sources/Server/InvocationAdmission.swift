import HTTPTypes
import Inference
import NIOCore

/// Admits inference requests (`POST /invocations`, `POST /v2/models/{name}/infer`) from their head: refused while the model loads, waiting in line (at most `wait`)
/// while the server is full, refused with 503 and `Retry-After` when the wait runs out. Every other request goes on.
struct InvocationAdmission: HeadAdmission {
    let admission: Admission
    let metrics: ServerMetrics
    /// Whether a head is an inference request.
    let isInvocation: @Sendable (HTTPRequest) -> Bool
    let isReady: @Sendable () -> Bool
    let wait: TimeAmount

    func decide(_ head: HTTPRequest, wake: @escaping @Sendable () -> Void) -> HeadDecision {
        guard isInvocation(head) else { return .goOn }
        guard isReady() else {
            metrics.refused(status: InferenceError.notReady.status)
            return .refuse(.notReady)
        }
        guard let ticket = admission.arrive(wake: wake) else { return .goOn }
        return .wait(ticket, limit: wait)
    }

    func waitExpired(_ ticket: Admission.Ticket) -> InferenceError? {
        // Room now is not this request's: it is the place of a request just woken, which has yet to take it.
        guard admission.withdraw(ticket) else { return nil }
        let refusal = InferenceError.overloaded()
        metrics.refused(status: refusal.status)
        return refusal
    }

    func abandon(_ ticket: Admission.Ticket) {
        // Woken already: the place it was woken for goes to the next in line.
        if !admission.withdraw(ticket) { admission.wakeNext() }
    }
}
