import CPUBackend
import Engine
import Foundation
import Inference
import SSD
import SSDService
import TestSupport
import Testing

/// Which detector a request gets.
struct DetectorPoolTests {
    static func detector(threads: Int) throws -> Detector {
        try Detector(
            modelPath: GoldenTensors.modelPath,
            backend: CPUBackend(), options: BackendOptions(threads: threads))
    }

    /// Holds a detector until `release` is signalled; returns the one it got.
    static func hold(_ pool: DetectorPool, started: AsyncStream<Void>.Continuation, release: DispatchSemaphore)
        async throws -> ObjectIdentifier
    {
        try await pool.withDetector { detector in
            started.yield()
            release.wait()
            return ObjectIdentifier(detector)
        }
    }

    @Test func aLoneRequestGetsTheAllCoresDetectorAndOthersTheSingleThreadedOnes() async throws {
        let single = try Self.detector(threads: 1)
        let allCores = try Self.detector(threads: 2)
        // Identities taken now: the detectors belong to the pool once given.
        let (singleID, allCoresID) = (ObjectIdentifier(single), ObjectIdentifier(allCores))
        let pool = DetectorPool(detectors: [single], loneRequestDetector: allCores, maximumQueue: 1)
        let lone = try await pool.withDetector { ObjectIdentifier($0) }
        #expect(lone == allCoresID)

        // While the first request holds the all-cores detector, the second gets the single-threaded one, and a
        // third waits for it rather than for the all-cores detector.
        let started = AsyncStream.makeStream(of: Void.self)
        let releaseFirst = DispatchSemaphore(value: 0), releaseSecond = DispatchSemaphore(value: 0)
        async let first = Self.hold(pool, started: started.continuation, release: releaseFirst)
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        async let second = Self.hold(pool, started: started.continuation, release: releaseSecond)
        _ = await iterator.next()
        async let third = pool.withDetector { ObjectIdentifier($0) }
        while await pool.queueLength == 0 { try await Task.sleep(for: .milliseconds(1)) }
        releaseFirst.signal()
        #expect(try await first == allCoresID)
        #expect(await pool.queueLength == 1)
        releaseSecond.signal()
        #expect(try await second == singleID)
        #expect(try await third == singleID)

        // All idle again: the next lone request has the whole machine.
        #expect(try await pool.withDetector { ObjectIdentifier($0) } == allCoresID)
    }
}
