import Inference
import SSDService
import Server
import TestSupport
import Testing

/// What one connection can hold, over real sockets: each case fails on a server without `ConnectionGuard`.
/// Serialized, and with generous bounds on time: the point is that a connection is closed at all (a server
/// without these bounds holds it for ever), not how fast on a busy machine.
@Suite(.serialized) struct ConnectionGuardTests {
    /// A live server with short timeouts; `body` gets its port.
    static func withServer<H: InferenceHandler>(
        _ handler: H, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (Int) async throws -> Void
    ) async throws {
        let live = try await LiveServer.start(handler) { configuration in
            configuration.headerTimeout = .seconds(2)
            configuration.bodyTimeout = .seconds(2)
            configuration.keepAliveTimeout = .seconds(2)
            configure(&configuration)
        }
        do {
            try await body(live.port)
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }

    static let handler = InferenceServerTests.ssdHandler()

    /// A handler whose requests hold the server's one place for 3 s, opening `held` once one does.
    static func holding(_ held: Gate) -> HoldingHandler {
        HoldingHandler(base: InferenceServerTests.ssdHandler(queue: 0), hold: 3, held: held)
    }

    /// A photo's request on a connection of its own that takes the server's one place and holds it (`holding`),
    /// returned once it does, whatever the machine's load; with its head and body, for sending again.
    static func busyInvocation(port: Int, held: Gate) async throws -> (
        connection: RawHTTPConnection, head: String, body: [UInt8]
    ) {
        let photo = try Assets.photo("darknet_person")
        let head =
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: \(photo.count)\r\n\r\n"
        let busy = try RawHTTPConnection(port: port)
        busy.write(head)
        busy.write(photo)
        await held.wait()
        return (busy, head, photo)
    }

    /// Polls /metrics until it has `line`, for at most `seconds`; whether it came.
    static func awaitMetric(_ line: String, port: Int, seconds: Double = 2.5) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let metrics = try RawHTTPConnection(port: port)
            metrics.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            if metrics.readResponse()?.bodyText.contains(line) == true { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func aHeadSentAByteAtATimeGets408ThenTheConnectionCloses() async throws {
        try await Self.withServer(Self.handler) { port in
            let connection = try RawHTTPConnection(port: port)
            let clock = ContinuousClock()
            let start = clock.now
            connection.write("POST /invocations HTTP/1.1\r\nHost: x\r\n")
            var answered: RawHTTPConnection.Response?
            for _ in 0..<40 where answered == nil {
                try await Task.sleep(for: .milliseconds(250))
                if !connection.write("X-Slow: y\r\n") { answered = connection.readResponse() }
            }
            let response = answered ?? connection.readResponse()
            #expect(response?.status == 408)
            #expect(response?.headers["connection"] == "close")
            #expect(response?.bodyText.contains("request_timeout") == true)
            #expect(clock.now - start < .seconds(8), "held \(clock.now - start)")
        }
    }

    @Test func aBodyThatStallsGets408ThenTheConnectionCloses() async throws {
        try await Self.withServer(Self.handler) { port in
            let connection = try RawHTTPConnection(port: port)
            connection.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 5000000\r\n\r\n")
            connection.write([UInt8](repeating: 0xFF, count: 1024))
            let response = connection.readResponse()
            #expect(response?.status == 408)
            #expect(response?.bodyText.contains("body") == true)
            #expect(connection.isClosedByServer())
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() async throws {
        try await Self.withServer(Self.handler) { port in
            let connection = try RawHTTPConnection(port: port, timeout: 9)
            connection.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
            let clock = ContinuousClock()
            let start = clock.now
            #expect(connection.isClosedByServer())
            #expect(clock.now - start < .seconds(8))
        }
    }

    @Test func oversizedHeadersGet431() async throws {
        try await Self.withServer(Self.handler) { port in
            let connection = try RawHTTPConnection(port: port)
            connection.write("GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n")
            let response = connection.readResponse()
            #expect(response?.status == 431)
            #expect(response?.bodyText.contains("headers_too_large") == true)
            #expect(connection.isClosedByServer())
        }
    }

    @Test func a413ClosesTheConnectionWithoutReadingTheBody() async throws {
        try await Self.withServer(Self.handler) { port in
            let declared = try RawHTTPConnection(port: port)
            declared.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000000\r\n\r\n"
            )
            let response = declared.readResponse()
            #expect(response?.status == 413 && response?.headers["connection"] == "close")
            #expect(declared.isClosedByServer())

            // Chunked, with no length declared: refused once over the limit, and closed too.
            let chunked = try RawHTTPConnection(port: port)
            chunked.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            let chunk = [UInt8]("100000\r\n".utf8) + [UInt8](repeating: 0x41, count: 0x100000) + [13, 10]
            for _ in 0..<8 where chunked.write(chunk) {}
            let refused = chunked.readResponse()
            #expect(refused?.status == 413 && refused?.headers["connection"] == "close")
        }
    }

    @Test func overloadIsRefusedBeforeTheBodyIsRead() async throws {
        let held = Gate()
        try await Self.withServer(
            Self.holding(held),
            configure: {
                $0.maximumInvocations = 1; $0.admissionWait = .milliseconds(50)
            }
        ) { port in
            let (busy, _, _) = try await Self.busyInvocation(port: port, held: held)

            // Only the head: a server that reads the body first never answers within the timeout.
            let refused = try RawHTTPConnection(port: port, timeout: 0.3)
            refused.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 200000\r\n\r\n")
            let response = refused.readResponse()
            #expect(response?.status == 503)
            #expect(response?.headers["retry-after"] == "1")
            #expect(response?.bodyText.contains("overloaded") == true)
            // The connection stays usable: the refused body is read and dropped, and the next request is served.
            refused.write([UInt8](repeating: 0x41, count: 200_000))
            refused.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            var next: RawHTTPConnection.Response?
            for _ in 0..<20 where next == nil { next = refused.readResponse() }
            #expect(next?.status == 200 && next?.bodyText.contains("ready") == true)
            #expect(busy.readResponse()?.status == 200)
        }
    }

    /// A request that finds the server full waits, unread, and is served once the place frees: no 503, no retry.
    @Test func aRequestFindingTheServerFullWaitsForAPlace() async throws {
        let held = Gate()
        try await Self.withServer(
            Self.holding(held),
            configure: {
                $0.maximumInvocations = 1; $0.admissionWait = .seconds(5)
            }
        ) { port in
            let (busy, head, body) = try await Self.busyInvocation(port: port, held: held)
            let waiting = try RawHTTPConnection(port: port)
            waiting.write(head)
            waiting.write(body)
            #expect(try await Self.awaitMetric("ssd_invocations_waiting 1", port: port))
            #expect(busy.readResponse()?.status == 200)
            let response = waiting.readResponse()
            #expect(response?.status == 200 && response?.bodyText.contains("sheep") == true)
        }
    }

    /// A request still waiting when the server drains gets a clean 503, not a reset.
    @Test func aRequestWaitingWhenTheServerDrainsGets503() async throws {
        let held = Gate()
        let live = try await LiveServer.start(Self.holding(held)) {
            $0.maximumInvocations = 1; $0.admissionWait = .seconds(5)
        }
        let (busy, head, _) = try await Self.busyInvocation(port: live.port, held: held)
        let waiting = try RawHTTPConnection(port: live.port)
        waiting.write(head)
        #expect(try await Self.awaitMetric("ssd_invocations_waiting 1", port: live.port))
        async let stopped: Void = live.stop()
        let response = waiting.readResponse()
        #expect(response?.status == 503 && response?.bodyText.contains("shutting_down") == true)
        #expect(busy.readResponse()?.status == 200)
        await stopped
    }

    /// A client still sending reads its answer: the server closes its side only, never with unread data (a reset).
    @Test func aClientStillSendingGetsThe413NotAReset() async throws {
        try await Self.withServer(Self.handler) { port in
            let connection = try RawHTTPConnection(port: port)
            connection.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000000\r\n\r\n"
            )
            for _ in 0..<16 { connection.write([UInt8](repeating: 0x41, count: 65536)) }
            let response = connection.readResponse()
            #expect(response?.status == 413 && response?.headers["connection"] == "close")
        }
    }

    /// Clients that upload slowly hold reading places, not invocation places: the others are still served.
    @Test func slowUploadsDoNotStarveTheOthers() async throws {
        try await Self.withServer(Self.handler, configure: { $0.maximumInvocations = 1 }) { port in
            let slow = try (0..<2).map { _ in try RawHTTPConnection(port: port) }
            for connection in slow {
                connection.write(
                    "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
                )
                connection.write([UInt8](repeating: 0xFF, count: 1000))
            }
            try await Task.sleep(for: .milliseconds(100))
            let photo = try Assets.photo("darknet_person")
            let served = try RawHTTPConnection(port: port)
            served.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: \(photo.count)\r\n\r\n"
            )
            served.write(photo)
            #expect(served.readResponse()?.status == 200)
        }
    }

    @Test func connectionsPastTheMaximumWaitUntilOneCloses() async throws {
        try await Self.withServer(
            Self.handler,
            configure: {
                $0.maximumConnections = 2; $0.keepAliveTimeout = .seconds(30)
            }
        ) { port in
            var held = [try RawHTTPConnection(port: port), try RawHTTPConnection(port: port)]
            for connection in held {
                connection.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(connection.readResponse()?.status == 200)
            }
            let third = try RawHTTPConnection(port: port, timeout: 0.5)
            third.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(third.readResponse() == nil, "a third connection was served while two were open")
            held.removeFirst()  // closes it
            #expect(third.readResponse()?.status == 200, "the waiting connection was not served once one closed")
        }
    }
}
