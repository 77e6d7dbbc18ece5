import Synchronization
import Testing

@testable import CPUBackend

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
        #expect(first.generation == 1 && first.parts == Ticket.maximumParts && first.nextPart == 0)
        let claimed = Ticket(first.claimingOne.word)
        #expect(claimed.generation == 1 && claimed.parts == Ticket.maximumParts && claimed.nextPart == 1)
        // The generation wraps in its 24 bits without touching the other fields.
        var ticket = Ticket(UInt64(1 << 24 - 1) << 40).next(parts: 5)
        #expect(ticket.generation == 0 && ticket.parts == 5 && ticket.nextPart == 0)
        ticket = Ticket(ticket.claimingOne.word)
        #expect(ticket.nextPart == 1 && ticket.parts == 5)
    }
}
