import Inference
import Logging
import NIOCore
import Server
import ServiceLifecycle

/// A server on a real socket, in a service group of its own (so that a test can drain it), its model loaded.
struct LiveServer<Handler: InferenceHandler> {
    let server: InferenceServer<Handler>
    let group: ServiceGroup
    let port: Int
    let running: Task<Void, any Error>

    /// Starts `handler` behind a server configured by `configure` on a free port of 127.0.0.1.
    static func start(_ handler: Handler, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws
        -> Self
    {
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, modelDirectory: InferenceServerTests.modelDirectory)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = InferenceServer(handler: handler, configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = server.serviceGroup(signals: []) { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        for _ in 0..<3000 where server.state.current == nil { try await Task.sleep(for: .milliseconds(10)) }
        return Self(server: server, group: group, port: port, running: running)
    }

    /// Drains and waits for the group to end.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
