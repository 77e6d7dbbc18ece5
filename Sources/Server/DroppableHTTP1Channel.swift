import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Hummingbird's HTTP/1 connections, made safe to drop before they are handled.
///
/// When the grace period ends, the server's accept loop is cancelled. A connection whose set-up (on its event
/// loop) finishes after that is handed to an accept loop that is no longer there, and dropped with its
/// `NIOAsyncWriter` unfinished, on which SwiftNIO traps: `serve` died of SIGILL instead of exiting with the
/// cut-off's status (3 of 30 runs under CPU load; swift-server/swift-http-server#137 reports the same trap). Here
/// every accepted connection travels in an `AcceptedConnection`, which closes it the regular way if nobody takes it.
struct DroppableHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<AcceptedConnection> {
        base.setup(channel: channel, logger: logger).map(AcceptedConnection.init)
    }

    func handle(value: AcceptedConnection, logger: Logger) async {
        guard let connection = value.take() else { return }
        await base.handle(value: connection, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1 server, its connections droppable (`DroppableHTTP1Channel`).
    static func droppableHTTP1(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        .init { responder in
            DroppableHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}

/// A connection set up and not yet handled: taken once by the accept loop, or closed when dropped untaken.
final class AcceptedConnection: ServerChildChannelValue {
    let channel: any Channel
    private let connection: Mutex<HTTP1Channel.Value?>

    init(_ connection: HTTP1Channel.Value) {
        channel = connection.channel
        self.connection = Mutex(connection)
    }

    /// The connection, to handle; nil once taken.
    func take() -> HTTP1Channel.Value? { connection.withLock { $0.take() } }

    deinit {
        // Finishing the writer needs `executeThenClose`, which is async: the task keeps the connection until then.
        guard let untaken = take() else { return }
        Task { try? await untaken.executeThenClose { _, _ in } }
    }
}
