import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A kernel whose work splits into independent parts that may run on different threads.
protocol PartitionedKernel: AnyObject {
    /// How many parts `run(part:)` takes; fixed at planning.
    var parts: Int { get }
    func run(part: Int)
    /// Runs consecutive parts, as a thread claims them: kernels that run a range faster in one call than part by
    /// part (a GEMM reading its filter once for all the range's rows) implement it.
    func run(parts: Range<Int>)
}

extension PartitionedKernel {
    func run(parts: Range<Int>) {
        for part in parts { run(part: part) }
    }
}

/// Persistent worker threads that run the parts of one kernel at a time, with the calling thread as one of them.
///
/// Written here rather than using Dispatch: a job is handed over without allocating (the kernels are planned
/// objects), and workers spin briefly between the back-to-back kernels of an inference before they sleep.
///
/// Each thread first claims its share of the parts (`ThreadShares`: equal, unless one thread has been running
/// slower) as one range, then smaller and smaller ranges of what is left, if anything (a thread that has not come).
/// The caller claims from the front and the workers from the back, so that with two threads each keeps roughly
/// its end of the tensors from one kernel to the next (parts are ranges of rows, channels or elements, in order),
/// and most of what a part reads was written by the same thread, on the same core while the system leaves it
/// there. Where the host put the two cores far apart (a cache line took 40-250 ns between them on a shared AMD EPYC
/// host, changing from minute to minute), a part reading the other core's rows waited on them: the two-ended claim
/// made 2-thread p50s about 8% lower there (docs/PERFORMANCE.md, session 13).
final class WorkerPool: @unchecked Sendable {
    /// The threads that run parts, the caller included: those asked for, fewer if the system refused some.
    private(set) var threads: Int
    /// Bumped for every kernel; what waiting workers watch.
    private let generation = Atomic<Int>(0)
    /// The kernel's parts as they are claimed: `Ticket`'s three fields in one word, so that a claim (a
    /// compare-and-exchange) can only take a part of the kernel that the ticket was published for.
    private let ticket = Atomic<UInt64>(0)
    private let finishedParts = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let startedWorkers = Atomic<Int>(0)
    /// The published kernel's part count, for a claim's size: a thread reads it between loading a ticket and
    /// claiming from it, when the ticket may already be stale.
    private let publishedParts = Atomic<Int>(0)
    /// Made for the threads asked for, then again for those started, before any kernel runs.
    private nonisolated(unsafe) var shares: ThreadShares
    /// Per thread, for the kernel being run: the parts it ran, and when it finished them (nanoseconds after
    /// `publishedAt`). Each thread writes its own before it counts its parts finished; the caller reads them after.
    private let partsRun: UnsafeMutablePointer<Int>
    private let finishedAfter: UnsafeMutablePointer<UInt64>
    private nonisolated(unsafe) var publishedAt: UInt64 = 0
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The kernel being run: written before its ticket is published, and read only by a thread that has claimed
    /// one of its parts, so never while it changes (the next kernel waits for every part of this one to finish).
    private nonisolated(unsafe) var job: (any PartitionedKernel)?
    private var workers: [pthread_t] = []

    /// Yields a worker makes before it sleeps: about a millisecond of waiting, longer than the gap between the
    /// kernels of one inference.
    private static let spinsBeforeSleep = 1000

    /// Atomic loads a waiting thread makes between sched_yields. A kernel's part, and the gap between two kernels,
    /// last microseconds: about what a yield's system call and reschedule cost, and with a yield per check the
    /// 2-thread profile spent 17% in the kernel's scheduler.
    private static let checksPerYield = 200

    init(threads: Int) {
        self.threads = max(threads, 1)
        partsRun = .allocate(capacity: self.threads)
        partsRun.initialize(repeating: 0, count: self.threads)
        finishedAfter = .allocate(capacity: self.threads)
        finishedAfter.initialize(repeating: 0, count: self.threads)
        shares = ThreadShares(threads: self.threads)
        mutex.initialize(to: pthread_mutex_t())
        wake.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for _ in 1..<self.threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(
                &thread, nil,
                { context in
                    let pool = Unmanaged<WorkerPool>.fromOpaque(context!).takeRetainedValue()
                    pool.workerLoop(thread: pool.startedWorkers.add(1, ordering: .acquiringAndReleasing).newValue)
                    return nil
                }, context)
            // Out of threads (a container's pids limit): run on those started rather than wait forever below for
            // one that never will.
            guard created == 0 else {
                Unmanaged<WorkerPool>.fromOpaque(context).release()
                break
            }
            workers.append(thread)
        }
        self.threads = workers.count + 1
        if shares.threads != self.threads { shares = ThreadShares(threads: self.threads) }
        // Wait for every worker to be running, so that the warm-up inference runs on all of them and no worker
        // meets its first OpenBLAS call (which maps its buffers) in a request.
        while startedWorkers.load(ordering: .acquiring) < self.threads - 1 { sched_yield() }
    }

    /// Stops and joins the workers. Needed before the pool can be freed: each worker holds a reference to it.
    func shutDown() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
        for worker in workers { pthread_join(worker, nil) }
        workers = []
    }

    deinit {
        partsRun.deallocate()
        finishedAfter.deallocate()
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// Runs every part of `kernel`, on all threads, and returns when all are done.
    ///
    /// It waits for the parts, not for the workers: a worker that is asleep, or whose core the system gave to
    /// another process, joins when it can and takes whatever parts are left, if any. (Waiting for every worker to
    /// check in after every kernel made a whole inference wait on the slowest wake-up.)
    func run(_ kernel: any PartitionedKernel) {
        let parts = kernel.parts
        // (More parts than a ticket counts, a million, would take an output of hundreds of gigabytes.)
        guard threads > 1, parts > 1, parts <= Ticket.maximumParts else {
            kernel.run(parts: 0..<parts)
            return
        }
        job = kernel
        partsRun.update(repeating: 0, count: threads)
        publishedParts.store(parts, ordering: .relaxed)
        publishedAt = monotonicNanoseconds()
        finishedParts.store(0, ordering: .relaxed)
        let published = Ticket(ticket.load(ordering: .relaxed)).next(parts: parts)
        ticket.store(published.word, ordering: .releasing)
        generation.add(1, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }
        takeParts(thread: 0)
        var checks = 0
        while finishedParts.load(ordering: .acquiring) < parts {
            checks += 1
            if checks % Self.checksPerYield == 0 { sched_yield() }
        }
        shares.record(parts: partsRun, nanoseconds: finishedAfter)
    }

    /// Claims and runs parts of the published kernels until none is left: first the thread's share of a kernel (the
    /// caller from the front, the workers from the back), then ranges of a (2 x threads)th of what is left, so that
    /// a thread that comes late still finds some. A thread that comes when less than its share is left (the others
    /// are past theirs) takes such a range too, not all that is left.
    private func takeParts(thread: Int) {
        let fromFront = thread == 0
        var claimedFrom: UInt64? = nil
        while true {
            let word = ticket.load(ordering: .acquiring)
            let claim = Ticket(word)
            guard claim.front < claim.back else { return }
            let left = claim.back - claim.front
            let leftover = (left + 2 * threads - 1) / (2 * threads)
            let share = shares.firstClaim(thread: thread, parts: publishedParts.load(ordering: .relaxed))
            let count = claimedFrom != claim.generation && share <= left ? share : leftover
            let (range, claimed) =
                fromFront
                ? (claim.front..<(claim.front + count), claim.claimingFront(count))
                : ((claim.back - count)..<claim.back, claim.claimingBack(count))
            // Fails if another thread took a part, or if the ticket is a newer kernel's: then look again.
            guard
                ticket.compareExchange(
                    expected: word, desired: claimed.word, successOrdering: .acquiringAndReleasing,
                    failureOrdering: .relaxed
                ).exchanged
            else { continue }
            claimedFrom = claim.generation
            job!.run(parts: range)
            partsRun[thread] += count
            finishedAfter[thread] = monotonicNanoseconds() &- publishedAt
            finishedParts.add(count, ordering: .releasing)
        }
    }

    private func workerLoop(thread: Int) {
        var seen = 0
        while true {
            var spins = 0
            var checks = 0
            while generation.load(ordering: .acquiring) == seen {
                if stopping.load(ordering: .relaxed) { return }
                checks += 1
                if checks < Self.checksPerYield { continue }
                checks = 0
                spins += 1
                if spins < Self.spinsBeforeSleep {
                    sched_yield()
                    continue
                }
                pthread_mutex_lock(mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen
                    && !stopping.load(ordering: .relaxed)
                {
                    pthread_cond_wait(wake, mutex)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = generation.load(ordering: .acquiring)
            takeParts(thread: thread)
        }
    }
}

/// A kernel's parts as the pool hands them out: which kernel (its generation, 24 bits) and the parts not yet
/// claimed, [front, back) (20 bits each), in one 64-bit word.
struct Ticket {
    static let maximumParts = 1 << 20 - 1
    let generation: UInt64
    let front: Int
    let back: Int

    init(_ word: UInt64) {
        generation = word >> 40
        back = Int(word >> 20 & UInt64(Self.maximumParts))
        front = Int(word & UInt64(Self.maximumParts))
    }

    private init(generation: UInt64, front: Int, back: Int) {
        self.generation = generation & (1 << 24 - 1)
        self.front = front
        self.back = back
    }

    var word: UInt64 { generation << 40 | UInt64(back) << 20 | UInt64(front) }

    /// The ticket of the kernel after this one, none of its `parts` claimed.
    func next(parts: Int) -> Ticket { Ticket(generation: generation + 1, front: 0, back: parts) }

    /// This ticket with its first `count` unclaimed parts claimed.
    func claimingFront(_ count: Int) -> Ticket { Ticket(generation: generation, front: front + count, back: back) }

    /// This ticket with its last `count` unclaimed parts claimed.
    func claimingBack(_ count: Int) -> Ticket { Ticket(generation: generation, front: front, back: back - count) }
}

/// CLOCK_MONOTONIC in nanoseconds: a vDSO call, about 20 ns.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
