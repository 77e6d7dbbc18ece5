import NIOCore
import ServiceLifecycle
import Synchronization

/// Stops the server accepting connections the moment a shutdown begins, a little before Hummingbird quiesces:
/// a connection accepted while the server is already stopping would be set up after its accept loop has ended,
/// and SwiftNIO traps on the channel it then drops (an unfinished `NIOAsyncWriter`), killing the requests still
/// being answered. Run as the last service of the group, so that a shutdown reaches it first.
final class AcceptGate: Service, Sendable {
    /// Time for connections accepted just before the gate closed to reach the server's accept loop.
    static let settle = Duration.milliseconds(100)

    private let closed = Atomic(false)
    private let listener = Mutex<(any Channel)?>(nil)

    /// Whether new connections may still be accepted.
    var isOpen: Bool { !closed.load(ordering: .relaxed) }

    /// The listening channel, once the server runs.
    func attach(_ channel: any Channel) { listener.withLock { $0 = channel } }

    func run() async throws {
        try? await gracefulShutdown()
        closed.store(true, ordering: .relaxed)
        // An idle listener has a read pending, which the connection limit cannot withdraw; turning auto-read off
        // does (the limit only stops the next one).
        if let channel = listener.withLock({ $0 }) { try? await channel.setOption(.autoRead, value: false).get() }
        try? await Task.sleep(for: Self.settle)
    }
}
