import Foundation
import Testing

@testable import RemoteBackend

/// The blocking keep-alive connection against a scripted server: reuse, a connection the server closed while idle,
/// silence, garbage, a cut answer and a refused port, each within the deadline and typed.
@Suite(.serialized)
struct HTTPConnectionTests {
    static let ok = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)

    static func exchange(_ connection: HTTPConnection, timeout: Duration = .seconds(5)) -> Result<
        HTTPResponse, RemoteFailure
    > {
        let body = Array(repeating: UInt8(7), count: 300_000)
        return body.withUnsafeBytes { body in
            connection.exchange(
                method: "POST", path: "/v2/models/m/infer", fields: [("Content-Type", "application/octet-stream")],
                body: [body], deadline: .now + timeout)
        }
    }

    static func connection(_ server: ScriptedServer) throws -> HTTPConnection {
        HTTPConnection(endpoint: try Endpoint("http://127.0.0.1:\(server.port)"), maximumBodyBytes: 1 << 20)
    }

    @Test func keepsItsConnection() throws {
        let server = try ScriptedServer([.bytes(Self.ok), .bytes(Self.ok), .bytes(Self.ok)])
        let connection = try Self.connection(server)
        for _ in 0..<3 { #expect(try Self.exchange(connection).get().body == Array("ok".utf8)) }
        #expect(server.connections == 1)
    }

    @Test func reopensAConnectionTheServerClosed() throws {
        let server = try ScriptedServer([.bytes(Self.ok, thenClose: true), .bytes(Self.ok)])
        let connection = try Self.connection(server)
        #expect(try Self.exchange(connection).get().status == 200)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try Self.exchange(connection).get().status == 200, "a closed idle connection is not a failure")
        #expect(server.connections == 2)
    }

    @Test func closesAfterAnAnswerThatSaysSo() throws {
        let close = Array("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8)
        let server = try ScriptedServer([.bytes(close), .bytes(Self.ok)])
        let connection = try Self.connection(server)
        #expect(try Self.exchange(connection).get().keepAlive == false)
        #expect(!connection.isOpen)
        #expect(try Self.exchange(connection).get().status == 200)
    }

    @Test func silenceIsATimeoutWithinTheDeadline() throws {
        let server = try ScriptedServer([.silence])
        let connection = try Self.connection(server)
        let start = ContinuousClock.now
        #expect(Self.exchange(connection, timeout: .milliseconds(200)) == .failure(.timeout))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(!connection.isOpen)
    }

    @Test func garbageIsMalformedAndACutAnswerAConnectionFailure() throws {
        let cut = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)
        let server = try ScriptedServer([.bytes(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)), .bytes(cut, thenClose: true)])
        let connection = try Self.connection(server)
        guard case .failure(.malformed(let reason)) = Self.exchange(connection) else {
            Issue.record("garbage was accepted")
            return
        }
        #expect(reason.contains("status line"))
        guard case .failure(.connection(let cutReason)) = Self.exchange(connection) else {
            Issue.record("a cut answer was accepted")
            return
        }
        #expect(cutReason.contains("before answering in full"))
    }

    @Test func aRefusedPortFailsAtOnce() throws {
        // A port just released: nothing listens there.
        let port = try ScriptedServer([]).port
        let connection = HTTPConnection(endpoint: try Endpoint("http://127.0.0.1:\(port)"), maximumBodyBytes: 100)
        let start = ContinuousClock.now
        guard case .failure(.connection(let reason)) = Self.exchange(connection) else {
            Issue.record("a refused connection did not fail")
            return
        }
        #expect(reason.contains("refused"))
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func anUnresolvableHostFailsWithinTheDeadline() throws {
        // Whether this machine's resolver answers at once or waits on a DNS server, the call ends by its deadline.
        let connection = HTTPConnection(endpoint: try Endpoint("http://no-such-host.invalid:80"), maximumBodyBytes: 100)
        let start = ContinuousClock.now
        switch Self.exchange(connection, timeout: .seconds(1)) {
        case .failure(.connection(let reason)): #expect(reason.contains("resolve"))
        case .failure(.timeout): break
        case let other: Issue.record("an unresolvable host gave \(other)")
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }
}
