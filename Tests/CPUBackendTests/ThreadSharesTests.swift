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

    /// One kernel in which a thread was preempted (ten times its time) leaves the claims equal: each kernel's
    /// shares count as at most 0.3 of an equal share away from it.
    @Test func onePreemptedKernelMovesNothing() {
        let shares = ThreadShares(threads: 2)
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 100_000])
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 1_000_000], kernels: 1)
        #expect(shares.claimedShare(thread: 0) == 0.5)
        Self.record(shares, parts: [10, 10], nanoseconds: [100_000, 1_000_000], kernels: 3)
        #expect(shares.claimedShare(thread: 0) > 0.5, "several in a row are a slower thread")
    }

    /// Each first claim is at least one part, and with two threads they add up to the parts wherever each share
    /// is a part or more (below that the pool caps a claim by what is left).
    @Test func twoThreadsFirstClaimsAddUpToTheParts() {
        let shares = ThreadShares(threads: 2)
        // The caller 1.3x slower: a share of 0.435.
        Self.record(shares, parts: [10, 10], nanoseconds: [130_000, 100_000])
        #expect(shares.firstClaim(thread: 0, parts: 1) == 1 && shares.firstClaim(thread: 1, parts: 1) == 1)
        #expect(shares.firstClaim(thread: 0, parts: 2) == 1)
        for parts in 3...300 {
            let (caller, worker) = (
                shares.firstClaim(thread: 0, parts: parts), shares.firstClaim(thread: 1, parts: parts)
            )
            #expect(caller + worker == parts && caller >= 1, "\(parts) parts: \(caller) + \(worker)")
        }
    }

    @Test func threeThreads() {
        let shares = ThreadShares(threads: 3)
        #expect(shares.firstClaim(thread: 0, parts: 10) == 3 && shares.firstClaim(thread: 2, parts: 10) == 4)
        // The third thread 1.25x slower: rates 1, 1 and 0.8, shares 1/2.8, 1/2.8 and 0.8/2.8.
        Self.record(shares, parts: [10, 10, 10], nanoseconds: [100_000, 100_000, 125_000])
        #expect(abs(shares.claimedShare(thread: 2) - 0.8 / 2.8) < 0.002, "\(shares.claimedShare(thread: 2))")
        #expect(abs(shares.claimedShare(thread: 1) - 1 / 2.8) < 0.002, "\(shares.claimedShare(thread: 1))")
        // Every thread claims at least one part.
        #expect(shares.firstClaim(thread: 2, parts: 1) == 1)
    }
}
