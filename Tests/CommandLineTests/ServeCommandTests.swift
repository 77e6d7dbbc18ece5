import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `ssd-detect serve` as SageMaker runs it: a process on a port, stopped with SIGTERM.
struct ServeCommandTests {
    /// Waits until /metrics counts at least `count` invocations in flight, for up to 30 s (the whole suite runs at
    /// once on a few cores: sending six batches of 16 photos has taken over 5 s). Over a socket of its own:
    /// URLSession would queue the probe behind the posts it is waiting for. With `arrived`, it waits instead until
    /// that many have arrived (in flight or answered) with at least `count` still in flight: under the suite's load
    /// the first batches can be answered before the last is read.
    static func waitForInFlight(_ count: Int, arrived: Int? = nil, _ base: URL) async throws {
        for _ in 0..<3000 {
            let connection = try RawHTTPConnection(port: base.port!)
            connection.write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            let lines = connection.readResponse()?.bodyText.split(separator: "\n") ?? []
            func value(_ name: String) -> Int? {
                lines.first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(separator: " ")[1]) }
            }
            if let inFlight = value("ssd_invocations_in_flight"), inFlight >= count,
                inFlight + (value("ssd_invocation_duration_seconds_count") ?? 0) >= arrived ?? count
            {
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never \(count) invocations in flight")
    }

    static func waitUntilReady(_ base: URL) async throws -> Bool {
        for _ in 0..<400 {
            if let (_, response) = try? await URLSession.shared.data(from: base.appendingPathComponent("ping")),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// `ssd-detect serve` on a random port of 127.0.0.1 with one single-threaded worker and `options`, ready; its
    /// standard error goes to `errors` (a file: reading a pipe can be cut short by a signal).
    static func startServer(_ options: [String], errors: FileHandle? = nil) async throws -> (Process, URL) {
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = DetectCommandTests.executable
        process.arguments =
            [
                "serve", "--host", "127.0.0.1", "--port", "\(port)", "--model-dir", DetectCommandTests.model,
                "--workers", "1", "--threads-per-worker", "1",
            ] + options
        if let errors { process.standardError = errors }
        try process.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        #expect(try await Self.waitUntilReady(base), "the server never answered /ping")
        return (process, base)
    }

    /// A JSON batch of `count` copies of darknet_dog.
    /// `count` batches of 16 photos, each written whole on a connection of its own before this returns: requests in
    /// the server's hands at once, however fast its detector (URLSession may hold requests back on a busy machine).
    static func postBatches(_ count: Int, _ base: URL) throws -> [RawHTTPConnection] {
        let body = Array(try Self.batch(16))
        return try (0..<count).map { _ in
            let connection = try RawHTTPConnection(port: base.port!, timeout: 60)
            connection.write(
                "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.count)\r\n\r\n")
            connection.write(body)
            return connection
        }
    }

    /// The number of predictions in a response's JSON body.
    static func predictions(_ response: RawHTTPConnection.Response?) -> Int {
        guard let text = response?.bodyText,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return 0 }
        return (object["predictions"] as? [Any])?.count ?? 0
    }

    static func batch(_ count: Int) throws -> Data {
        let image = Data(try Assets.photo("darknet_dog")).base64EncodedString()
        return try JSONSerialization.data(withJSONObject: ["instances": Array(repeating: ["b64": image], count: count)])
    }

    @Test func sigtermLetsInFlightRequestsFinishThenExitsZero() async throws {
        let (process, base) = try await Self.startServer([
            "--grace-period", "20", "--max-queue", "8", "--log-level", "warning",
        ])
        defer { if process.isRunning { process.terminate() } }
        let connections = try Self.postBatches(6, base)
        // Every request has arrived, and at least three are in flight, most waiting for the one worker, before the
        // signal.
        try await Self.waitForInFlight(3, arrived: 6, base)
        kill(process.processIdentifier, SIGTERM)
        let signalled = ContinuousClock.now
        var answeredAfterSignal = 0
        for connection in connections {
            let response = connection.readResponse()
            #expect(response?.status == 200 && Self.predictions(response) == 16)
            if ContinuousClock.now - signalled > .milliseconds(20) { answeredAfterSignal += 1 }
        }
        // The point of the test: requests still running when the signal came were answered, not dropped.
        #expect(answeredAfterSignal >= 2, "only \(answeredAfterSignal) answers came after SIGTERM")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// Every number a flag or the environment carries is bounded: a usage error (64) names it, before anything
    /// starts (`--threads-per-worker 100000` used to start 100,000 threads).
    @Test(arguments: [
        ["--threads-per-worker", "100000"], ["--workers", "0"], ["--workers", "100000"], ["--port", "70000"],
        ["--max-body-mb", "inf"], ["--max-body-mb", "nan"], ["--max-queue", "-1"], ["--image-memory-mb", "0"],
        ["--max-header-kb", "100000"], ["--header-timeout", "0"], ["--body-timeout", "999999"],
        ["--grace-period", "-5"], ["--drain-linger", "60", "--grace-period", "5"], ["--threshold", "nan"],
        ["--max-connections", "100000000"],
    ])
    func anOutOfRangeFlagIsAUsageError(_ flags: [String]) throws {
        let result = try DetectCommandTests.run(["serve", "--model-dir", DetectCommandTests.model] + flags)
        #expect(result.status == 64, "\(flags): \(result.errors)")
        #expect(result.errors.contains(flags[0]), "\(flags): \(result.errors)")
    }

    @Test func aBadPortInTheEnvironmentIsRefused() throws {
        let result = try DetectCommandTests.run(
            ["serve", "--model-dir", DetectCommandTests.model],
            environment: ["SAGEMAKER_BIND_TO_PORT": "99999999999999999999"])
        #expect(result.status == 64 && result.errors.contains("SAGEMAKER_BIND_TO_PORT"), "\(result.errors)")
    }

    /// A request still running when the grace period ends is cut off: logged, and the exit status says so.
    @Test func requestsCutOffByTheGracePeriodMakeTheExitStatus3() async throws {
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID()).log")
        try Data().write(to: logFile)
        defer { try? FileManager.default.removeItem(at: logFile) }
        let (process, base) = try await Self.startServer(
            [
                "--no-all-cores-when-idle", "--grace-period", "0",
                "--drain-linger", "0", "--log-level", "error",
            ], errors: try FileHandle(forWritingTo: logFile))
        defer { if process.isRunning { process.terminate() } }
        // 16 photos a batch on one single-threaded detector: over a hundred milliseconds of work each, two batches
        // queued behind the first. Queued requests at a zero grace period used to crash the server (SIGILL in
        // SwiftNIO on a connection set up as the accept loop was cancelled: docs/RELIABILITY.md).
        let connections = try Self.postBatches(3, base)
        try await Self.waitForInFlight(3, base)
        // The batches' connections stay open until the server has exited.
        withExtendedLifetime(connections) {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let log = String(decoding: try Data(contentsOf: logFile), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 3, "\(log)")
        #expect(log.contains("cut_off=3"), "\(log)")
    }
}
