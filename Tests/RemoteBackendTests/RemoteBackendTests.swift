import CPUBackend
import Engine
import Foundation
import Inference
import KServe
import RemoteBackend
import SSD
import SSDService
import TestSupport
import Testing

/// The remote backend against a real worker on loopback: the same bytes as the local backend, and the fallback,
/// breaker and counters when the worker is gone, slow, or answers wrongly.
@Suite(.serialized)
struct RemoteBackendTests {
    static let model = Result { try SSDModel(contentsOf: Assets.defaultModelFolder.path) }

    /// The COCO model's network on one single-threaded CPU detector, as `ssd-detect worker` serves it.
    static func networkService() async throws(InferenceError) -> NetworkService {
        let handler = SSDHandler(
            configuration: .init(backend: { CPUBackend() }, layout: WorkerLayout(workers: 1, threadsPerWorker: 1)))
        let pool = try await handler.modelFn(modelDirectory: Assets.defaultModelFolder.path)
        return await NetworkService(pool: pool, name: "coco", platform: "test")
    }

    /// A client of the worker on `port`. The timeout is generous: the suite runs beside many others on few cores,
    /// and a remote that merely ran late would be counted as failed.
    static func client(port: Int, timeout: Duration = .seconds(30), backOff: Duration = .milliseconds(50)) throws
        -> RemoteClient
    {
        try RemoteClient(
            configuration: RemoteConfiguration(
                endpoints: ["http://127.0.0.1:\(port)/"], modelName: "coco", timeout: timeout,
                firstBackOff: backOff, maximumBackOff: backOff))
    }

    /// A prepared model handed across threads; used by one thread at a time.
    struct Prepared: @unchecked Sendable {
        let model: any PreparedModel
    }

    /// Runs `work` on a thread of its own, as a detector's queue runs a remote model: its HTTP calls block their
    /// thread, which must not be one of the few cooperative threads the in-process worker answers on.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result(catching: work)) }.start()
        }
    }

    /// Writes seeded noise as the input, runs `model` and a local CPU twin, and expects the same output bytes.
    static func expectLocalOutputs(_ prepared: Prepared, seed: UInt64) async throws {
        let (remote, local) = try await blocking {
            let model = prepared.model
            let local = try CPUBackend().prepare(try Self.model.get().network, options: BackendOptions(threads: 1))
            var generator = SplitMix64(seed: seed)
            let input = (0..<model.input(0).count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            input.withUnsafeBytes { model.input(0).copyMemory(from: $0) }
            input.withUnsafeBytes { local.input(0).copyMemory(from: $0) }
            try model.run()
            try local.run()
            return ((0..<2).map { Array(model.output($0)) }, (0..<2).map { Array(local.output($0)) })
        }
        #expect(remote == local)
    }

    static func prepare(_ client: RemoteClient, extraOutputs: [Int] = []) async throws -> Prepared {
        try await blocking {
            Prepared(
                model: try RemoteBackend(client: client, fallback: CPUBackend())
                    .prepare(
                        try model.get().network, options: BackendOptions(threads: 1, extraOutputs: extraOutputs)))
        }
    }

    @Test func remoteOutputsAreTheLocalBackendsBytes() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in try await Self.networkService() }
        defer { Task { await worker.stop() } }
        let client = try Self.client(port: worker.port)
        let model = try await Self.prepare(client)
        try await Self.expectLocalOutputs(model, seed: 1)
        try await Self.expectLocalOutputs(model, seed: 2)
        #expect(client.statistics.remoteSuccesses == 2)
        #expect(client.statistics.fallbacks == 0)
        // The worker reports its compute time, so the transport's own cost is known and exported.
        let overhead = try #require(client.statistics.overheadQuantile(0.5))
        #expect(overhead >= 0 && overhead < 30)
        #expect(client.statistics.prometheusText.contains("ssd_remote_overhead_seconds_count 2"))
        #expect(client.statistics.prometheusText.contains("ssd_remote_overhead_seconds{quantile=\"0.5\"}"))
    }

    @Test func aWorkerThatGoesAwayIsCoveredByTheFallbackAndTrafficReturns() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in try await Self.networkService() }
        // A back-off long enough that the next request, even on a loaded machine, comes while the breaker is open.
        let client = try Self.client(port: worker.port, backOff: .seconds(3))
        let model = try await Self.prepare(client)
        try await Self.expectLocalOutputs(model, seed: 3)
        await worker.stop()

        try await Self.expectLocalOutputs(model, seed: 4)
        #expect(client.statistics.remoteFailures == 1)
        #expect(client.statistics.fallbacks == 1)
        #expect(
            client.statistics.prometheusText.contains(
                "ssd_remote_circuit_open{endpoint=\"http://127.0.0.1:\(worker.port)\"} 1"))
        try await Self.expectLocalOutputs(model, seed: 5)
        #expect(client.statistics.remoteFailures == 1, "the open breaker keeps the request away")
        #expect(client.statistics.prometheusText.contains("ssd_remote_fallbacks_total{reason=\"unavailable\"} 1"))

        let restarted = try await LiveWorker.start(port: worker.port) { () throws(InferenceError) in
            try await Self.networkService()
        }
        defer { Task { await restarted.stop() } }
        try await Task.sleep(for: .seconds(3))  // the back-off ends: the next request is the breaker's trial
        try await Self.expectLocalOutputs(model, seed: 6)
        #expect(client.statistics.remoteSuccesses == 2)
        #expect(client.statistics.fallbacks == 2)
    }

    @Test(arguments: [Fault.wrongShape, .wrongType, .missingOutput, .slow, .failing])
    func badAnswersFallBack(fault: Fault) async throws {
        let faulty = FaultSwitch()
        let worker = try await LiveWorker.start { () throws(InferenceError) in
            FaultyModel(base: try await Self.networkService(), fault: fault, faulty: faulty)
        }
        defer { Task { await worker.stop() } }
        let client = try Self.client(port: worker.port, timeout: fault == .slow ? .seconds(1) : .seconds(30))
        let model = try await Self.prepare(client)
        faulty.turnOn()
        try await Self.expectLocalOutputs(model, seed: 7)
        #expect(client.statistics.remoteFailures == 1)
        #expect(client.statistics.fallbacks == 1)
        #expect(client.statistics.prometheusText.contains("outcome=\"\(fault.expectedKind)\"} 1"))
    }

    @Test func aRemoteServingOtherTensorsIsRefusedAtPrepare() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in
            FaultyModel(base: try await Self.networkService(), fault: .otherMetadata, faulty: FaultSwitch())
        }
        defer { Task { await worker.stop() } }
        await #expect(throws: ModelError.self) { try await Self.prepare(try Self.client(port: worker.port)) }
    }

    @Test func aRemoteWithoutTheModelIsRefusedAtPrepare() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in try await Self.networkService() }
        defer { Task { await worker.stop() } }
        let client = try RemoteClient(
            configuration: RemoteConfiguration(endpoints: ["http://127.0.0.1:\(worker.port)"], modelName: "other"))
        await #expect(throws: ModelError.self) { try await Self.prepare(client) }
    }

    @Test func extraOutputsAreRefused() async throws {
        let input = try Self.model.get().network.inputs[0]
        await #expect(throws: ModelError.self) {
            try await Self.prepare(try Self.client(port: 1), extraOutputs: [input])
        }
    }

    @Test func anUnreachableRemoteAtStartIsNotAnError() async throws {
        let client = try Self.client(port: 1)
        let model = try await Self.prepare(client)
        try await Self.expectLocalOutputs(model, seed: 8)
        #expect(client.statistics.fallbacks == 1)
    }

    @Test(arguments: [
        [], ["localhost:8000"], ["ftp://host"], ["http://a:1", "http://a:1/"], ["http://user:secret@a:1"],
        ["http://a:1/\"x"],
    ])
    func badEndpointsAreRefused(endpoints: [String]) {
        #expect(throws: RemoteConfigurationError.self) {
            try RemoteClient(configuration: RemoteConfiguration(endpoints: endpoints))
        }
    }
}
