import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import CPUBackend

/// Serialized: `aSlowerWorkerGetsFewerParts` times its threads, and the 3- and 4-thread pools of the others keep
/// the two cores of a CI machine busy.
@Suite(.serialized)
struct WorkerPoolTests {
    /// Counts how often each of its parts ran, and checks that no part of a later kernel runs before it is done.
    final class CountingKernel: PartitionedKernel, @unchecked Sendable {
        let parts: Int
        let runs: Mutex<[Int]>
        /// Set by the test once `run` returned; a part running after it would be a part the pool did not wait for.
        let returned = Atomic(false)
        let lateParts = Atomic(0)

        init(parts: Int) {
            self.parts = parts
            runs = Mutex([Int](repeating: 0, count: parts))
        }

        func run(part: Int) {
            if returned.load(ordering: .relaxed) { lateParts.add(1, ordering: .relaxed) }
            // A little work, so that parts overlap across threads.
            var x = UInt64(part)
            for _ in 0..<(part % 7) * 200 { x = x &* 6_364_136_223_846_793_005 &+ 1 }
            if x == 42 { print(x) }
            runs.withLock { $0[part] += 1 }
        }
    }

    /// Every part of every kernel runs exactly once, and `run` returns only after all have: back-to-back kernels
    /// of different sizes (the workers spinning), and kernels after a pause (the workers asleep, woken by the
    /// next).
    @Test(arguments: [2, 3, 4])
    func everyPartRunsOnceBeforeRunReturns(threads: Int) async throws {
        let pool = WorkerPool(threads: threads)
        defer { pool.shutDown() }
        for round in 0..<400 {
            let kernel = CountingKernel(parts: [2, 3, 5, 17, 64, 1][round % 6])
            if round % 50 == 49 { try await Task.sleep(for: .milliseconds(5)) }
            pool.run(kernel)
            kernel.returned.store(true, ordering: .relaxed)
            let counts = kernel.runs.withLock { $0 }
            #expect(counts.allSatisfy { $0 == 1 }, "round \(round): part counts \(counts)")
            try await Task.sleep(for: .microseconds(round % 3 == 0 ? 0 : 50))
            #expect(kernel.lateParts.load(ordering: .relaxed) == 0, "round \(round): a part ran after run returned")
        }
    }

    /// Two parts, each waiting (at most 5 s) for the other to start: only two threads at once can run them.
    final class RendezvousKernel: PartitionedKernel, @unchecked Sendable {
        let parts = 2
        let started = Atomic(0)
        let met = Atomic(0)

        func run(part: Int) {
            started.add(1, ordering: .relaxed)
            let deadline = ContinuousClock.now + .seconds(5)
            while started.load(ordering: .relaxed) < 2, ContinuousClock.now < deadline {}
            if started.load(ordering: .relaxed) == 2 { met.add(1, ordering: .relaxed) }
        }
    }

    /// The workers do take parts, also when the kernel comes after a pause long enough for them to have gone to
    /// sleep (about a millisecond of spinning): a pool whose caller ran every part alone would pass the test
    /// above, and fail this one.
    @Test(arguments: [0, 50])
    func aWorkerTakesPartsAfterAPause(milliseconds: Int) async throws {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutDown() }
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(milliseconds))
            let kernel = RendezvousKernel()
            pool.run(kernel)
            #expect(kernel.met.load(ordering: .relaxed) == 2, "a part waited 5 s for a second thread")
        }
    }

    /// More parts than a ticket counts run too, on the caller alone.
    @Test func moreThanAMillionPartsRunOnce() {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutDown() }
        let kernel = CountingKernel(parts: Ticket.maximumParts + 2)
        pool.run(kernel)
        #expect(kernel.runs.withLock { $0.allSatisfy { $0 == 1 } })
    }

    @Test func aTicketKeepsItsFields() {
        let first = Ticket(0).next(parts: Ticket.maximumParts)
        #expect(first.generation == 1 && first.front == 0 && first.back == Ticket.maximumParts)
        let fromFront = Ticket(first.claimingFront(1).word)
        #expect(fromFront.generation == 1 && fromFront.front == 1 && fromFront.back == Ticket.maximumParts)
        let fromBoth = Ticket(fromFront.claimingBack(1).word)
        #expect(fromBoth.generation == 1 && fromBoth.front == 1 && fromBoth.back == Ticket.maximumParts - 1)
        let ranges = Ticket(Ticket(fromBoth.claimingFront(1000).word).claimingBack(2000).word)
        #expect(ranges.generation == 1 && ranges.front == 1001 && ranges.back == Ticket.maximumParts - 2001)
        // The generation wraps in its 24 bits without touching the other fields.
        var ticket = Ticket(UInt64(1 << 24 - 1) << 40).next(parts: 5)
        #expect(ticket.generation == 0 && ticket.front == 0 && ticket.back == 5)
        ticket = Ticket(ticket.claimingBack(1).word)
        #expect(ticket.front == 0 && ticket.back == 4)
        ticket = Ticket(ticket.claimingBack(4).word)
        #expect(ticket.generation == 0 && ticket.front == 0 && ticket.back == 0)
    }

    /// Records which thread ran each part. Each thread's first part waits (at most 5 s) until a second thread has
    /// started one, so that both take parts.
    final class ThreadRecordingKernel: PartitionedKernel, @unchecked Sendable {
        let parts: Int
        let runners: Mutex<[pthread_t?]>
        let threadsStarted = Atomic(0)

        init(parts: Int) {
            self.parts = parts
            runners = Mutex([pthread_t?](repeating: nil, count: parts))
        }

        func run(part: Int) {
            let me = pthread_self()
            let first = runners.withLock { runners in
                let seenBefore = runners.contains { $0.map { pthread_equal($0, me) != 0 } ?? false }
                runners[part] = me
                return !seenBefore
            }
            guard first else { return }
            threadsStarted.add(1, ordering: .relaxed)
            let deadline = ContinuousClock.now + .seconds(5)
            while threadsStarted.load(ordering: .relaxed) < 2, ContinuousClock.now < deadline {}
        }
    }

    /// With two threads the caller runs the first parts and the worker the last ones, kernel after kernel: each
    /// keeps its end of the tensors, which is what the two-ended ticket is for.
    @Test func theCallerRunsTheFirstPartsAndTheWorkerTheLast() throws {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutDown() }
        try #require(pool.threads == 2, "the system refused the worker thread")
        let caller = pthread_self()
        for parts in [2, 5, 16] {
            let kernel = ThreadRecordingKernel(parts: parts)
            pool.run(kernel)
            let byCaller = kernel.runners.withLock { $0.map { $0.map { pthread_equal($0, caller) != 0 } } }
            #expect(byCaller.allSatisfy { $0 != nil }, "\(parts) parts: one did not run")
            let callerParts = byCaller.prefix { $0 == true }.count
            #expect(callerParts >= 1 && callerParts < parts, "\(parts) parts: the caller ran \(callerParts) first")
            #expect(byCaller.dropFirst(callerParts).allSatisfy { $0 == false }, "\(parts) parts: \(byCaller)")
        }
    }

    /// Parts that take three times as long on the workers as on the caller (each spins for its time).
    final class UnevenKernel: PartitionedKernel, @unchecked Sendable {
        let parts = 40
        let caller: pthread_t
        let callerParts = Atomic(0)

        init(caller: pthread_t) { self.caller = caller }

        func run(part: Int) {
            let onCaller = pthread_equal(pthread_self(), caller) != 0
            if onCaller { callerParts.add(1, ordering: .relaxed) }
            let until = monotonicNanoseconds() + (onCaller ? 2_000 : 6_000)
            while monotonicNanoseconds() < until {}
        }
    }

    /// A worker that runs slower gets a smaller share, and the caller runs more of each kernel: what the pool's
    /// measured shares are for (a vCPU in a slow phase). Equal halves would give the caller 20 of the 40 parts.
    @Test func aSlowerWorkerGetsFewerParts() throws {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutDown() }
        try #require(pool.threads == 2, "the system refused the worker thread")
        var callerParts: [Int] = []
        for _ in 0..<300 {
            let kernel = UnevenKernel(caller: pthread_self())
            pool.run(kernel)
            callerParts.append(kernel.callerParts.load(ordering: .relaxed))
        }
        // Three times the speed is a share of 0.75, 30 parts. The median over many kernels, because other tests
        // running at once take either thread's core now and then, and one kernel's times with it.
        let median = callerParts.suffix(200).sorted()[100]
        #expect(median >= 24, "the caller's median parts over the last 200 kernels: \(median) of 40")
    }
}
