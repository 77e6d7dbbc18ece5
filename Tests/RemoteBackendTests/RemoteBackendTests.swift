import CPUBackend
import Engine
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

    /// Writes seeded noise as the input, runs `model` and a local CPU twin, and expects the same output bytes.
    static func expectLocalOutputs(_ model: any PreparedModel, seed: UInt64) throws {
        let local = try CPUBackend().prepare(try Self.model.get().network, options: BackendOptions(threads: 1))
        var generator = SplitMix64(seed: seed)
        let input = (0..<model.input(0).count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        input.withUnsafeBytes { model.input(0).copyMemory(from: $0) }
        input.withUnsafeBytes { local.input(0).copyMemory(from: $0) }
        try model.run()
        try local.run()
        for position in 0..<2 { #expect(Array(model.output(position)) == Array(local.output(position))) }
    }

    static func prepare(_ client: RemoteClient) throws -> any PreparedModel {
        try RemoteBackend(client: client, fallback: CPUBackend())
            .prepare(try model.get().network, options: BackendOptions(threads: 1))
    }

    @Test func remoteOutputsAreTheLocalBackendsBytes() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in try await Self.networkService() }
        defer { Task { await worker.stop() } }
        let client = try Self.client(port: worker.port)
        let model = try Self.prepare(client)
        try Self.expectLocalOutputs(model, seed: 1)
        try Self.expectLocalOutputs(model, seed: 2)
        #expect(client.statistics.remoteSuccesses == 2)
        #expect(client.statistics.fallbacks == 0)
    }

    @Test func aWorkerThatGoesAwayIsCoveredByTheFallbackAndTrafficReturns() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in try await Self.networkService() }
        let client = try Self.client(port: worker.port, backOff: .seconds(1))
        let model = try Self.prepare(client)
        try Self.expectLocalOutputs(model, seed: 3)
        await worker.stop()

        try Self.expectLocalOutputs(model, seed: 4)
        #expect(client.statistics.remoteFailures == 1)
        #expect(client.statistics.fallbacks == 1)
        #expect(
            client.statistics.prometheusText.contains(
                "ssd_remote_circuit_open{endpoint=\"http://127.0.0.1:\(worker.port)\"} 1"))
        try Self.expectLocalOutputs(model, seed: 5)
        #expect(client.statistics.remoteFailures == 1, "the open breaker keeps the request away")
        #expect(client.statistics.prometheusText.contains("ssd_remote_fallbacks_total{reason=\"unavailable\"} 1"))

        let restarted = try await LiveWorker.start(port: worker.port) { () throws(InferenceError) in
            try await Self.networkService()
        }
        defer { Task { await restarted.stop() } }
        try await Task.sleep(for: .seconds(1))
        try Self.expectLocalOutputs(model, seed: 6)
        #expect(client.statistics.remoteSuccesses == 2)
        #expect(client.statistics.fallbacks == 2)
    }

    @Test(arguments: [Fault.wrongShape, .missingOutput, .slow, .failing])
    func badAnswersFallBack(fault: Fault) async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in
            FaultyModel(base: try await Self.networkService(), fault: fault)
        }
        defer { Task { await worker.stop() } }
        let client = try Self.client(port: worker.port, timeout: fault == .slow ? .seconds(1) : .seconds(30))
        let model = try Self.prepare(client)
        try Self.expectLocalOutputs(model, seed: 7)
        #expect(client.statistics.remoteFailures == 1)
        #expect(client.statistics.fallbacks == 1)
        #expect(client.statistics.prometheusText.contains("outcome=\"\(fault.expectedKind)\"} 1"))
    }

    @Test func aRemoteServingOtherTensorsIsRefusedAtPrepare() async throws {
        let worker = try await LiveWorker.start { () throws(InferenceError) in
            FaultyModel(base: try await Self.networkService(), fault: .otherMetadata)
        }
        defer { Task { await worker.stop() } }
        #expect(throws: ModelError.self) { try Self.prepare(try Self.client(port: worker.port)) }
    }

    @Test func anUnreachableRemoteAtStartIsNotAnError() throws {
        let client = try Self.client(port: 1)
        let model = try Self.prepare(client)
        try Self.expectLocalOutputs(model, seed: 8)
        #expect(client.statistics.fallbacks == 1)
    }

    @Test(arguments: [[], ["localhost:8000"], ["ftp://host"], ["http://a:1", "http://a:1/"]])
    func badEndpointsAreRefused(endpoints: [String]) {
        #expect(throws: RemoteConfigurationError.self) {
            try RemoteClient(configuration: RemoteConfiguration(endpoints: endpoints))
        }
    }
}
