import HummingbirdCore
import NIOCore
import NIOEmbedded
import Testing

@testable import Server

struct DroppableHTTP1ChannelTests {
    /// A connection as the HTTP/1 child channel sets it up, on a channel the test controls.
    private static func connection(on channel: NIOAsyncTestingChannel) async throws -> HTTP1Channel.Value {
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080))
        return try await channel.testingEventLoop.executeInContext {
            try HTTP1Channel.Value(wrappingChannelSynchronously: channel)
        }
    }

    /// What the end of a grace period did to a connection set up after the accept loop stopped: dropped, untaken.
    /// Left as it was, it would stay open until the shutdown closed it, and closing it then releases its unfinished
    /// writer, on which SwiftNIO traps (ending the test run). Here it is closed, writer finished, at once.
    @Test func aConnectionDroppedUntakenIsClosed() async throws {
        let channel = NIOAsyncTestingChannel()
        var accepted: AcceptedConnection? = AcceptedConnection(try await Self.connection(on: channel))
        #expect(accepted?.channel === channel)
        accepted = nil
        let deadline = ContinuousClock.now + .seconds(10)
        while channel.isActive, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!channel.isActive, "the dropped connection was not closed within 10 s")
        if channel.isActive { try await channel.close() }  // as the shutdown would
    }

    /// The accept loop takes a connection once; taken, it is the handler's to close, not the wrapper's.
    @Test func aConnectionIsTakenOnce() async throws {
        let channel = NIOAsyncTestingChannel()
        var accepted: AcceptedConnection? = AcceptedConnection(try await Self.connection(on: channel))
        let taken = try #require(accepted?.take())
        #expect(accepted?.take() == nil)
        accepted = nil
        try await Task.sleep(for: .milliseconds(50))
        #expect(channel.isActive)
        try await taken.executeThenClose { _, _ in }
        #expect(!channel.isActive)
    }
}
