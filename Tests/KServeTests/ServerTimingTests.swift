import KServe
import Testing

/// The `Server-Timing` header both ways: what a worker writes, and what a front end reads from any server.
struct ServerTimingTests {
    @Test func writesMillisecondsWithMicroseconds() {
        let timing = ServerTiming(queue: .microseconds(12), compute: .nanoseconds(5_210_999))
        #expect(timing.headerValue == "queue;dur=0.012, compute;dur=5.210")
        #expect(ServerTiming(compute: .seconds(2)).headerValue == "compute;dur=2000.000")
        #expect(ServerTiming().headerValue == nil)
    }

    @Test func readsItsOwnHeaderBack() {
        let timing = ServerTiming(queue: .microseconds(3), compute: .microseconds(4_567))
        #expect(ServerTiming(headerValue: timing.headerValue!) == timing)
    }

    @Test(
        arguments: [
            // Other servers' metrics, descriptions and spacing are skipped.
            ("db;dur=53, compute;desc=\"network\";dur=4.5,app;dur=47.2", nil, 4_500_000),
            ("compute ; dur=1.25 , queue;dur=0", 0, 1_250_000),
            ("compute;dur=7", nil, 7_000_000),
            // Durations that are not numbers, negative, absurd or missing are not believed.
            ("compute;dur=abc", nil, nil), ("compute;dur=-1", nil, nil), ("compute;dur=nan", nil, nil),
            ("compute;dur=1e300", nil, nil), ("compute", nil, nil), ("compute;dur=", nil, nil), ("", nil, nil),
            (";;,,;dur=1", nil, nil),
        ] as [(String, Int64?, Int64?)])
    func readsTheQueueAndComputeMetrics(header: String, queueNanoseconds: Int64?, computeNanoseconds: Int64?) {
        let timing = ServerTiming(headerValue: header)
        #expect(timing.queue == queueNanoseconds.map { .nanoseconds($0) })
        #expect(timing.compute == computeNanoseconds.map { .nanoseconds($0) })
    }
}
