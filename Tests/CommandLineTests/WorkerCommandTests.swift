import Foundation
import Testing
import TestSupport

/// `ssd-detect worker` as a GPU host runs it, and `--backend remote` as a front end uses it: detections equal to
/// the local backend's through a live worker, and the same when the worker is gone.
struct WorkerCommandTests {
    /// `ssd-detect worker` on a random port of 127.0.0.1 with one single-threaded network, ready within a minute
    /// (the whole suite shares a few cores). A port that turns out taken (the worker exits) is replaced by another.
    static func startWorker() async throws -> (ChildProcess, Int) {
        for _ in 0..<3 {
            let port = Int.random(in: 40_000..<50_000)
            let process = try ChildProcess(
                DetectCommandTests.executable.path,
                [
                    "worker", "--host", "127.0.0.1", "--port", "\(port)", "--model", DetectCommandTests.model,
                    "--workers", "1", "--threads-per-worker", "1", "--log-level", "error",
                ])
            for _ in 0..<1200 where process.isRunning {
                let connection = try? RawHTTPConnection(port: port)
                if connection?.write("GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n\r\n") == true,
                    connection?.readResponse()?.status == 200
                {
                    return (process, port)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning {
                process.terminate()
                break
            }
        }
        Issue.record("the worker never became ready")
        throw CancellationError()
    }

    /// `DetectCommandTests.run` on a thread of its own: waiting for the process must not hold one of the few
    /// cooperative threads, which the other suites' in-process servers answer on.
    static func run(_ arguments: [String]) async throws -> (
        status: Int32, output: String, errors: String, crashed: Bool
    ) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try DetectCommandTests.run(arguments) }) }.start()
        }
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
        let local = try await Self.run(common)
        let remote = try await Self.run(
            common + ["--backend", "remote", "--remote", "http://127.0.0.1:\(port)"])
        #expect(local.status == 0 && remote.status == 0, "\(remote.errors)")
        #expect(try Self.detections(remote.output) == Self.detections(local.output))
        #expect(remote.output.contains("\"backend\" : \"remote\""))
        #expect(remote.errors.contains("remote: 2 inferences on remotes, 0 failed, 0 run locally"), "\(remote.errors)")

        worker.terminate()
        worker.waitUntilExit()
        let fallback = try await Self.run(
            common + ["--backend", "remote", "--remote", "http://127.0.0.1:\(port)"])
        #expect(fallback.status == 0, "\(fallback.errors)")
        #expect(try Self.detections(fallback.output) == Self.detections(local.output))
        // One failure opens the breaker; a second image may come after its back-off and be the failed trial.
        #expect(
            fallback.errors.contains("remote: 0 inferences on remotes") && fallback.errors.contains("2 run locally"),
            "\(fallback.errors)")
    }

    @Test(arguments: [
        (["detect", "--backend", "remote"], "--remote"),
        (["detect", "--backend", "remote", "--remote", "gpu-host:8000"], "not an http"),
        (
            ["detect", "--backend", "remote", "--remote", "http://a:1", "--remote-timeout-ms", "0"],
            "--remote-timeout-ms"
        ),
        (["worker", "--backend", "remote"], "cpu, accelerator or auto"),
        (["detect", "--remote", "http://a:1"], "need --backend remote"),
        (["worker", "--port", "0"], "--port"),
        (["worker", "--max-body-mb", "nan"], "--max-body-mb"),
    ])
    func badRemoteAndWorkerFlagsAreUsageErrors(arguments: [String], message: String) async throws {
        let photo = Assets.root.appendingPathComponent("images/darknet_dog.jpg").path
        let result = try await Self.run(
            arguments + (arguments[0] == "detect" ? [photo] : ["--model", DetectCommandTests.model]))
        #expect(result.status == 64, "\(arguments): \(result.errors)")
        #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
    }
}
