import Testing

@testable import RemoteBackend

/// The breaker keeps requests away from a failed remote for a back-off that doubles up to its most, then lets one
/// trial through.
struct CircuitBreakerTests {
    @Test func aFailureOpensUntilTheBackOffThenOneTrialGoes() {
        var breaker = CircuitBreaker(firstBackOff: .milliseconds(100), maximumBackOff: .milliseconds(250))
        let start = ContinuousClock.now
        func admits(after elapsed: Duration) -> Bool { breaker.admit(now: start + elapsed) }
        #expect(admits(after: .zero))
        breaker.failed(now: start)
        breaker.failed(now: start + .milliseconds(50))
        #expect(breaker.isOpen, "a request sent before it opened failing later changes nothing")
        #expect(!admits(after: .milliseconds(99)))
        #expect(admits(after: .milliseconds(100)))
        #expect(!admits(after: .milliseconds(100)), "one trial at a time")
        breaker.failed(now: start + .milliseconds(100))
        #expect(!admits(after: .milliseconds(299)), "the back-off doubled")
        #expect(admits(after: .milliseconds(300)))
        breaker.failed(now: start + .milliseconds(300))
        #expect(!admits(after: .milliseconds(549)), "capped at the most")
        #expect(admits(after: .milliseconds(550)))
        breaker.succeeded()
        #expect(!breaker.isOpen)
        #expect(admits(after: .milliseconds(550)))
        breaker.failed(now: start + .milliseconds(600))
        #expect(admits(after: .milliseconds(700)), "a success resets the back-off")
    }
}
