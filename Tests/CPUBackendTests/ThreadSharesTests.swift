import Testing

@testable import CPUBackend

/// ThreadShares' arithmetic, on recorded times rather than threads: the shares stay equal while the threads run
/// alike, follow a slower thread, and come back.
struct ThreadSharesTests {
    /// Records `kernels` kernels in which each thread ran `parts` parts in `nanoseconds`.
    static func record(_ shares: ThreadShares, parts: [Int], nanoseconds: [UInt64], kernels: Int = 60) {
        for _ in 0..<kernels { shares.record(parts: parts, nanoseconds: nanoseconds) }
    }

    @Test func equalSpeedsClaimEqualHalvesTheCallerTheSmallerOne() {
        let shares = ThreadShares(threads: 2)
        // 4% apart: noise, inside the dead band.
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 104_000])
        #expect(shares.claimedShare(thread: 0) == 0.5 && shares.claimedShare(thread: 1) == 0.5)
        #expect(shares.firstClaim(thread: 0, parts: 46) == 23 && shares.firstClaim(thread: 1, parts: 46) == 23)
        #expect(shares.firstClaim(thread: 0, parts: 13) == 6 && shares.firstClaim(thread: 1, parts: 13) == 7)
        #expect(shares.firstClaim(thread: 0, parts: 2) == 1 && shares.firstClaim(thread: 1, parts: 2) == 1)
    }

    @Test func aSlowerThreadGetsAShareToItsSpeedAndEqualAgainWhenItRecovers() {
        let shares = ThreadShares(threads: 2)
        // The worker 1.3x slower: rates 1 and 1/1.3, shares 0.565 and 0.435.
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 130_000])
        #expect(abs(shares.claimedShare(thread: 0) - 1.3 / 2.3) < 0.002, "\(shares.claimedShare(thread: 0))")
        #expect(shares.firstClaim(thread: 0, parts: 100) == 56 && shares.firstClaim(thread: 1, parts: 100) == 44)
        // Ranges sized that way finish together; the recorded rates stay those of the threads.
        Self.record(shares, parts: [56, 44], nanoseconds: [560_000, 572_000])
        #expect(abs(shares.claimedShare(thread: 0) - 1.3 / 2.3) < 0.002)
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 100_000])
        #expect(shares.claimedShare(thread: 0) == 0.5)
    }

    @Test func shortKernelsAndThreadsThatRanNothingAreLeftOut() {
        let shares = ThreadShares(threads: 2)
        Self.record(shares, parts: [1, 1], nanoseconds: [3_000, 15_000])
        Self.record(shares, parts: [8, 0], nanoseconds: [400_000, 0])
        #expect(shares.claimedShare(thread: 0) == 0.5)
    }

    @Test func threeThreads() {
        let shares = ThreadShares(threads: 3)
        #expect(shares.firstClaim(thread: 0, parts: 10) == 3 && shares.firstClaim(thread: 2, parts: 10) == 4)
        Self.record(shares, parts: [10, 10, 10], nanoseconds: [100_000, 100_000, 200_000])
        #expect(abs(shares.claimedShare(thread: 2) - 0.2) < 0.002 && abs(shares.claimedShare(thread: 1) - 0.4) < 0.002)
        // Every thread claims at least one part.
        #expect(shares.firstClaim(thread: 2, parts: 1) == 1)
    }
}
