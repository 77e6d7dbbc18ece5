import Synchronization

/// How much of a kernel each of the pool's threads claims first: shares that follow how fast each thread ran the
/// kernels before, equal while the threads run alike.
///
/// Why: a 2-thread inference waits at every kernel for the slower thread. On shared hosts one vCPU at a time runs
/// 1.25-1.6x slower for seconds to minutes, from outside the VM, while the other runs at full speed
/// (docs/PERFORMANCE.md, sessions 14 to 17). With equal halves every kernel then takes the slow thread's time;
/// claiming equal parts one at a time balances no better than to the last part, which the slow thread may hold
/// (session 18). Shares sized to the measured speeds give the fast thread more rows from the start, each thread
/// still in one range. On a quiet host they stay equal (within `deadBand`), as the claims were before.
final class ThreadShares: @unchecked Sendable {
    let threads: Int
    /// Each thread's share of the threads' summed rates (parts a nanosecond), averaged over the kernels recorded.
    /// Read and written by the calling thread only, between kernels.
    private let measured: UnsafeMutablePointer<Double>
    /// What each thread claims first, in millionths of the parts, summing to exactly a million (so that with two
    /// threads the first claims add up to the parts): equal within the dead band, else `measured`. Atomic, because
    /// `record` writes them while a worker that loaded a ticket about to go stale may read its own.
    private let claimed: UnsafeMutablePointer<Atomic<Int>>

    /// How far one kernel moves the averages: a slow phase lasts thousands of kernels, and one kernel's times
    /// carry its hand-over and cache misses.
    static let smoothing = 0.125
    /// Measured shares this close to equal claim equal shares: a quiet host's noise, and the way a part of many
    /// rows rounds, stay below it (0.025 of a half is a speed ratio of 1.1).
    static let deadBand = 0.025
    /// Kernels that took less than this are not recorded: their times are mostly the hand-over.
    static let shortestRecorded: UInt64 = 20_000
    /// How far from equal one kernel's shares are taken to be, at most, as a fraction of an equal share: a thread
    /// preempted for a millisecond in one kernel then moves its average by less than the dead band.
    static let largestRecordedDeviation = 0.3
    private static let scale = 1_000_000

    init(threads: Int) {
        self.threads = threads
        measured = .allocate(capacity: threads)
        measured.initialize(repeating: 1 / Double(threads), count: threads)
        claimed = .allocate(capacity: threads)
        for thread in 0..<threads { (claimed + thread).initialize(to: Atomic(0)) }
        publish(balanced: true)
    }

    deinit {
        measured.deallocate()
        claimed.deinitialize(count: threads)
        claimed.deallocate()
    }

    /// Parts `thread` claims first of a kernel's `parts`: the caller (thread 0) rounds down, the others up, so
    /// that with two threads the halves of an odd count leave the caller the smaller one (it also publishes).
    func firstClaim(thread: Int, parts: Int) -> Int {
        let share = claimed[thread].load(ordering: .relaxed) * parts
        return max(1, thread == 0 ? share / Self.scale : (share + Self.scale - 1) / Self.scale)
    }

    /// The share `thread` claims, between 0 and 1.
    func claimedShare(thread: Int) -> Double { Double(claimed[thread].load(ordering: .relaxed)) / Double(Self.scale) }

    /// Moves the shares towards one kernel's: each thread ran `parts[thread]` parts and finished
    /// `nanoseconds[thread]` after the kernel was published. Kernels where a thread ran none, or that were short,
    /// say nothing of the threads' speeds and are left out.
    func record(parts: UnsafePointer<Int>, nanoseconds: UnsafePointer<UInt64>) {
        var total = 0.0
        var longest: UInt64 = 0
        for thread in 0..<threads {
            guard parts[thread] > 0, nanoseconds[thread] > 0 else { return }
            total += Double(parts[thread]) / Double(nanoseconds[thread])
            longest = max(longest, nanoseconds[thread])
        }
        guard longest >= Self.shortestRecorded else { return }
        let equal = 1 / Double(threads)
        let (lowest, highest) = (
            equal * (1 - Self.largestRecordedDeviation), equal * (1 + Self.largestRecordedDeviation)
        )
        var balanced = true
        for thread in 0..<threads {
            let share = min(max(Double(parts[thread]) / Double(nanoseconds[thread]) / total, lowest), highest)
            measured[thread] += Self.smoothing * (share - measured[thread])
            balanced = balanced && abs(measured[thread] - equal) <= Self.deadBand
        }
        publish(balanced: balanced)
    }

    /// Sets the claimed shares: equal, or the measured ones scaled to sum to 1; the last thread's takes what
    /// rounding leaves.
    private func publish(balanced: Bool) {
        let total = balanced ? 1 : (0..<threads).reduce(0.0) { $0 + measured[$1] }
        var assigned = 0
        for thread in 0..<threads - 1 {
            let share = balanced ? 1 / Double(threads) : measured[thread] / total
            let millionths = Int((share * Double(Self.scale)).rounded())
            claimed[thread].store(millionths, ordering: .relaxed)
            assigned += millionths
        }
        claimed[threads - 1].store(Self.scale - assigned, ordering: .relaxed)
    }
}
