import Inference
import SSDService
import Server
import TestSupport
import Testing

/// SIGTERM's drain, triggered in process: what clients on kept-alive and busy connections see, and what is counted.
@Suite(.serialized) struct DrainTests {
    static func start(gracePeriod: Duration) async throws -> LiveServer<HoldingHandler> {
        try await LiveServer.start(HoldingHandler(base: InferenceServerTests.ssdHandler(queue: 4))) { configuration in
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
        let live = try await Self.start(gracePeriod: .seconds(10))
        let idle = try RawHTTPConnection(port: live.port)
        idle.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        let busy = try RawHTTPConnection(port: live.port)
        try Self.postPhoto(busy)
        try await Task.sleep(for: .milliseconds(100))  // busy for 400 ms

        await live.group.triggerGracefulShutdown()
        try await Task.sleep(for: .milliseconds(300))  // past the accept gate's settling
        idle.write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = idle.readResponse()
        #expect(refused?.status == 503, "a kept-alive client got no clean answer during the drain")
        #expect(refused?.headers["connection"] == "close" && refused?.headers["retry-after"] == "1")
        #expect(refused?.bodyText.contains("shutting_down") == true)

        let answered = busy.readResponse()
        #expect(answered?.status == 200)
        #expect(answered?.headers["connection"] == "close")
        #expect(busy.isClosedByServer())
        try await live.running.value
        #expect(live.server.metrics.cutOffInvocations == 0)
    }

    @Test func requestsTheGracePeriodCutsOffAreCounted() async throws {
        let live = try await Self.start(gracePeriod: .milliseconds(50))
        let busy = try RawHTTPConnection(port: live.port)
        try Self.postPhoto(busy)
        try await Task.sleep(for: .milliseconds(100))  // busy for 400 ms, far past the grace period
        await live.stop()
        #expect(live.server.metrics.cutOffInvocations == 1)
    }
}
