/// Whether a remote may be sent work: closed (yes), open after a failure (no, until its back-off has passed), then
/// half-open (one trial request; its success closes the breaker, its failure opens it for twice as long, up to the
/// most). Failures of requests sent before it opened (several in flight when a remote dies) change nothing more. A front end that keeps sending to a dead remote would make every request pay a timeout or a refusal
/// before falling back; the breaker makes one request a back-off pay it.
struct CircuitBreaker {
    enum State: Equatable {
        case closed
        case open(until: ContinuousClock.Instant)
        /// One trial request is in flight; others go elsewhere until it answers.
        case halfOpen
    }

    private(set) var state = State.closed
    /// The current (or last) open period.
    private var backOff: Duration
    let firstBackOff: Duration
    let maximumBackOff: Duration

    init(firstBackOff: Duration, maximumBackOff: Duration) {
        self.firstBackOff = firstBackOff
        self.maximumBackOff = maximumBackOff
        backOff = firstBackOff
    }

    /// Whether a request may go now; an open breaker whose time has come lets this one through as the trial.
    mutating func admit(now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed: return true
        case .halfOpen: return false
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            return true
        }
    }

    mutating func succeeded() { state = .closed }

    mutating func failed(now: ContinuousClock.Instant) {
        switch state {
        case .open: return
        case .closed: backOff = firstBackOff
        case .halfOpen: backOff = min(backOff * 2, maximumBackOff)
        }
        state = .open(until: now + backOff)
    }

    /// Whether requests are being kept away (open or on trial), for /metrics.
    var isOpen: Bool { state != .closed }
}
