import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `ssd-detect serve` as SageMaker runs it: a process on a port, stopped with SIGTERM.
struct ServeCommandTests {
    /// Status and the number of predictions in the response.
    static func post(_ url: URL, body: Data) async throws -> (status: Int, predictions: Int) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (object?["predictions"] as? [Any])?.count ?? 0)
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

    @Test func sigtermLetsInFlightRequestsFinishThenExitsZero() async throws {
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = DetectCommandTests.executable
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--model-dir", DetectCommandTests.model,
            "--workers", "1", "--threads-per-worker", "1", "--grace-period", "20", "--log-level", "warning"]
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        #expect(try await Self.waitUntilReady(base), "the server never answered /ping")

        let image = Data(try Assets.photo("darknet_dog")).base64EncodedString()
        let body = try JSONSerialization.data(withJSONObject: ["instances": Array(repeating: ["b64": image], count: 8)])
        let responses = try await withThrowingTaskGroup(of: (status: Int, predictions: Int).self) { group in
            for _ in 0..<6 { group.addTask { try await Self.post(base.appendingPathComponent("invocations"), body: body) } }
            try await Task.sleep(for: .milliseconds(150))  // requests are in flight, most waiting for the one worker
            kill(process.processIdentifier, SIGTERM)
            let signalled = ContinuousClock.now
            var all: [(status: Int, predictions: Int)] = []
            var answeredAfterSignal = 0
            for try await response in group {
                all.append(response)
                if ContinuousClock.now - signalled > .milliseconds(20) { answeredAfterSignal += 1 }
            }
            // The point of the test: requests still running when the signal came were answered, not dropped.
            #expect(answeredAfterSignal >= 2, "only \(answeredAfterSignal) answers came after SIGTERM")
            return all
        }
        #expect(responses.count == 6)
        for response in responses { #expect(response.status == 200 && response.predictions == 8) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
