import ArgumentParser
import Foundation
import Inference
import Logging
import Server

/// `ssd-detect serve`: the HTTP service, following SageMaker's container contract.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve detections over HTTP: GET /ping, POST /invocations (SageMaker's container contract).")

    @Option(help: "Address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port (default: $SAGEMAKER_BIND_TO_PORT, else 8080).")
    var port: Int?

    @Option(help: "Model folder or file (default: $SM_MODEL_DIR, else /opt/ml/model if present, else the default model).")
    var modelDir: String?

    @Option(help: "Detectors running at once (default: one per core, one thread each).")
    var workers: Int?

    @Option(help: "Threads per detector (default: the cores divided among the workers).")
    var threadsPerWorker: Int?

    @Flag(inversion: .prefixedNo,
        help: "Add a detector on all cores for requests that arrive while no other is being inferred (CPU backends).")
    var allCoresWhenIdle = true

    @Option(help: "Largest request body in MB.")
    var maxBodyMb: Double = 6

    @Option(help: "Requests that may wait for a detector before 503.")
    var maxQueue = 16

    @Option(help: "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .cpu

    @Option(help: "Response format for Accept: application/json: native or sagemaker.")
    var format: SSDHandler.OutputFormat = .native

    @Option(help: "Score threshold when a request gives none.")
    var threshold: Float = 0.5

    @Option(help: "Seconds in-flight requests get to finish after SIGTERM/SIGINT.")
    var gracePeriod = 30

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard backend != .all else { throw ValidationError("--backend all is for bench") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let threadsPerWorker, threadsPerWorker < 1 { throw ValidationError("--threads-per-worker must be at least 1") }
        guard maxBodyMb > 0, maxQueue >= 0, gracePeriod >= 0 else {
            throw ValidationError("--max-body-mb must be positive; --max-queue and --grace-period not negative")
        }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = try port ?? environment["SAGEMAKER_BIND_TO_PORT"].map { value in
            guard let port = Int(value), (1...65535).contains(port) else {
                throw ValidationError("SAGEMAKER_BIND_TO_PORT=\(value) is not a port")
            }
            return port
        } ?? 8080
        let directory = try modelDirectory(environment)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // One single-threaded detector per core: measured 148 vs 125 requests/s at concurrency 4 on 2 cores against
        // one two-threaded detector. The all-cores detector for lone requests wins back the latency alone (9.2 vs
        // 12.3 ms p50 at concurrency 1) without a measurable cost under load (docs/PERFORMANCE.md, "Serving").
        let workerCount = workers ?? cores
        let choice = backend
        let lonesOnAllCores = allCoresWhenIdle && choice.resolved != .accelerator
        var logger = Logger(label: "ssd-detect")
        logger.logLevel = logLevel
        let handler = SSDHandler(configuration: .init(backend: { choice.backend() }, workers: workerCount,
            threadsPerWorker: threadsPerWorker, allCoresWhenIdle: lonesOnAllCores, maximumQueue: maxQueue, defaultThreshold: threshold, defaultFormat: format))
        logger.info("starting", metadata: [
            "host": "\(host)", "port": "\(port)", "model_dir": "\(directory)", "workers": "\(workerCount)", "all_cores_when_idle": "\(lonesOnAllCores)",
            "backend": .string(choice.detail(threads: threadsPerWorker ?? max(1, cores / workerCount))
                + (choice == .auto ? " (auto: \(BackendChoice.automatic.reason))" : "")),
        ])
        let server = InferenceServer(handler: handler, configuration: ServerConfiguration(host: host, port: port,
            modelDirectory: directory, maximumBodyBytes: Int(maxBodyMb * 1_048_576), gracePeriod: .seconds(gracePeriod)),
            logger: logger)
        try await server.run()
        logger.info("stopped")
    }

    /// --model-dir, else SM_MODEL_DIR, else /opt/ml/model if it exists, else the default model.
    func modelDirectory(_ environment: [String: String]) throws -> String {
        if let modelDir { return modelDir }
        if let directory = environment["SM_MODEL_DIR"], !directory.isEmpty { return directory }
        if FileManager.default.fileExists(atPath: "/opt/ml/model") { return "/opt/ml/model" }
        return try ModelLocation.resolve(nil)
    }
}

extension SSDHandler.OutputFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
