import Foundation
import Testing
import TestSupport

/// `ssd-detect worker` as a GPU host runs it, and `--backend remote` as a front end uses it: detections equal to
/// the local backend's through a live worker, and the same when the worker is gone.
struct WorkerCommandTests {
    /// `ssd-detect worker` on a random port of 127.0.0.1 with one single-threaded network, ready.
    static func startWorker() async throws -> (Process, Int) {
        let port = Int.random(in: 40_000..<50_000)
        let process = Process()
        process.executableURL = DetectCommandTests.executable
        process.arguments = [
            "worker", "--host", "127.0.0.1", "--port", "\(port)", "--model", DetectCommandTests.model, "--workers", "1",
            "--threads-per-worker", "1", "--log-level", "error",
        ]
        try process.run()
        for _ in 0..<400 {
            let connection = try? RawHTTPConnection(port: port)
            if connection?.write("GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n") == true,
                connection?.readResponse()?.status == 200
            {
                return (process, port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the worker never became ready")
        return (process, port)
    }

    /// The detections of `--json` output, without the timings and the backend's name.
    static func detections(_ output: String) throws -> String {
        let document = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let images = (document?["images"] as? [[String: Any]])?.map { $0["detections"] ?? [] } ?? []
        return String(decoding: try JSONSerialization.data(withJSONObject: images, options: .sortedKeys), as: UTF8.self)
    }

    @Test func detectThroughAWorkerGivesTheLocalDetections() async throws {
        let (worker, port) = try await Self.startWorker()
        defer { worker.terminate() }
        let photos = ["darknet_dog", "voc_000456"].map { Assets.root.appendingPathComponent("images/\($0).jpg").path }
        let common = ["--model", DetectCommandTests.model, "--json", "--threshold", "0.2"] + photos
        let local = try DetectCommandTests.run(common)
        let remote = try DetectCommandTests.run(
            common + ["--backend", "remote", "--remote", "http://127.0.0.1:\(port)"])
        #expect(local.status == 0 && remote.status == 0, "\(remote.errors)")
        #expect(try Self.detections(remote.output) == Self.detections(local.output))
        #expect(remote.output.contains("\"backend\" : \"remote\""))

        worker.terminate()
        worker.waitUntilExit()
        let fallback = try DetectCommandTests.run(
            common + ["--backend", "remote", "--remote", "http://127.0.0.1:\(port)"])
        #expect(fallback.status == 0, "\(fallback.errors)")
        #expect(try Self.detections(fallback.output) == Self.detections(local.output))
    }

    @Test(arguments: [
        (["detect", "--backend", "remote"], "--remote"),
        (["detect", "--backend", "remote", "--remote", "gpu-host:8000"], "not an http"),
        (
            ["detect", "--backend", "remote", "--remote", "http://a:1", "--remote-timeout-ms", "0"],
            "--remote-timeout-ms"
        ),
        (["worker", "--backend", "remote"], "cpu, accelerator or auto"),
        (["worker", "--port", "0"], "--port"),
        (["worker", "--max-body-mb", "nan"], "--max-body-mb"),
    ])
    func badRemoteAndWorkerFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let photo = Assets.root.appendingPathComponent("images/darknet_dog.jpg").path
        let result = try DetectCommandTests.run(
            arguments + (arguments[0] == "detect" ? [photo] : ["--model", DetectCommandTests.model]))
        #expect(result.status == 64, "\(arguments): \(result.errors)")
        #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
    }
}
