import Inference
import SSDService
import Server
import TestSupport
import Testing

/// SIGTERM's drain, triggered in process: what clients on kept-alive and busy connections see, and what is counted.
@Suite(.serialized) struct DrainTests {
    /// A server whose requests hold their detector for 3 s, opening `held` once one does: a test acts on a
    /// request in flight whatever the machine's load, not after a guessed delay.
    static func start(gracePeriod: Duration, held: Gate) async throws -> LiveServer<HoldingHandler> {
        let handler = HoldingHandler(base: InferenceServerTests.ssdHandler(queue: 4), hold: 3, held: held)
        return try await LiveServer.start(handler) { configuration in
            configuration.gracePeriod = gracePeriod
            configuration.drainLinger = .seconds(1)
        }
    }

    static func postPhoto(_ connection: RawHTTPConnection) throws {
        let photo = try Assets.photo("darknet_person")
        connection.write(
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: \(photo.count)\r\n\r\n"
        )
        connection.write(photo)
    }

    @Test func keptAliveClientsGetA503AndBusyOnesTheirAnswerWithConnectionClose() async throws {
        let held = Gate()
        let live = try await Self.start(gracePeriod: .seconds(10), held: held)
        let idle = try RawHTTPConnection(port: live.port)
        idle.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        let busy = try RawHTTPConnection(port: live.port)
        try Self.postPhoto(busy)
        await held.wait()  // busy for 3 s from now

        await live.group.triggerGracefulShutdown()
        try await Task.sleep(for: .milliseconds(300))  // past the accept gate's settling, when the drain begins
        // On a loaded machine the drain may begin later: until it does, the kept-alive client is answered as before;
        // then its next request gets one clean 503. A request that the drain's start catches under way is answered
        // with `Connection: close` instead (the busy case below), and this connection has nothing left to test.
        var refused: RawHTTPConnection.Response?
        for _ in 0..<100 {
            idle.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
            refused = idle.readResponse()
            if refused?.status != 200 || refused?.headers["connection"] == "close" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if refused?.status == 200 {
            #expect(refused?.headers["connection"] == "close" && idle.isClosedByServer())
        } else {
            #expect(refused?.status == 503, "a kept-alive client got no clean answer during the drain")
            #expect(refused?.headers["connection"] == "close" && refused?.headers["retry-after"] == "1")
            #expect(refused?.bodyText.contains("shutting_down") == true)
        }

        let answered = busy.readResponse()
        #expect(answered?.status == 200)
        #expect(answered?.headers["connection"] == "close")
        #expect(busy.isClosedByServer())
        try await live.running.value
        #expect(live.server.metrics.cutOffInvocations == 0)
    }

    @Test func requestsTheGracePeriodCutsOffAreCounted() async throws {
        let held = Gate()
        let live = try await Self.start(gracePeriod: .milliseconds(50), held: held)
        let busy = try RawHTTPConnection(port: live.port)
        try Self.postPhoto(busy)
        await held.wait()  // busy for 3 s from now, far past the grace period
        await live.stop()
        #expect(live.server.metrics.cutOffInvocations == 1)
    }
}
