import NIOCore
import NIOPosix
import Synchronization

/// A TCP server on 127.0.0.1 that answers each request (a head, then `Content-Length` bytes) with the next of its
/// scripted replies, whatever the request: raw bytes, a response or not, then perhaps a close; or nothing.
final class ScriptedServer: Sendable {
    enum Reply: Sendable {
        case bytes([UInt8], thenClose: Bool = false)
        /// Read the request and never answer.
        case silence
    }

    /// What the connections share: the replies left, and how many connections came.
    private final class State: Sendable {
        let script: Mutex<[Reply]>
        let accepted = Atomic<Int>(0)
        init(_ replies: [Reply]) { script = Mutex(replies) }
        func next() -> Reply { script.withLock { $0.isEmpty ? .silence : $0.removeFirst() } }
    }

    private let state: State
    private let channel: any Channel
    /// The port it listens on.
    let port: Int

    /// Connections accepted so far.
    var connections: Int { state.accepted.load(ordering: .relaxed) }

    init(_ replies: [Reply]) throws {
        let state = State(replies)
        self.state = state
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                state.accepted.wrappingAdd(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(next: state.next))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    deinit { try? channel.close().wait() }

    /// Reads requests and sends the script's replies.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let next: @Sendable () -> Reply
        var received: [UInt8] = []

        init(next: @escaping @Sendable () -> Reply) { self.next = next }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += Array(buffer: unwrapInboundIn(data))
            while let end = Self.requestEnd(received) {
                received.removeFirst(end)
                guard case .bytes(let bytes, let thenClose) = next() else { continue }
                context.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)), promise: nil)
                if thenClose { context.close(promise: nil) }
            }
        }

        /// Where the first complete request in `bytes` ends.
        static func requestEnd(_ bytes: [UInt8]) -> Int? {
            let marker = Array("\r\n\r\n".utf8)
            guard bytes.count >= 4,
                let start = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(marker) })
            else { return nil }
            let head = String(decoding: bytes[..<start], as: UTF8.self).lowercased()
            let length =
                head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
                    guard line.hasPrefix("content-length:") else { return nil }
                    return Int(line.dropFirst("content-length:".count).filter { $0 != " " })
                }.first ?? 0
            return bytes.count >= start + 4 + length ? start + 4 + length : nil
        }
    }
}
