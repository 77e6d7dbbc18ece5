import Inference
import KServe
import Logging
import NIOCore
import Server
import ServiceLifecycle
import Testing

/// A KServe v2 server on a real socket of 127.0.0.1, in a service group of its own, its model loaded.
struct LiveWorker<Model: TensorModel> {
    let group: ServiceGroup
    let port: Int
    let running: Task<Void, any Error>

    /// Starts `model` on `port` (0: a free one) and waits until it is ready.
    static func start(port: Int = 0, _ model: @escaping @Sendable () async throws(InferenceError) -> Model)
        async throws -> Self
    {
        var logger = Logger(label: "worker")
        logger.logLevel = .critical
        let server = KServeServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: port, modelDirectory: "test"),
            logger: logger, load: model)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = server.serviceGroup(signals: []) { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let bound = await iterator.next() ?? 0
        for _ in 0..<3000 where server.state.current == nil { try await Task.sleep(for: .milliseconds(10)) }
        if server.state.current == nil { Issue.record("the worker's model did not load within 30 s") }
        return Self(group: group, port: bound, running: running)
    }

    /// Drains and waits for the group to end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
