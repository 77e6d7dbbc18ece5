import ArgumentParser
import CMalloc
import Engine
import Foundation
import SSDService
import Logging
import SSD
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

    @Option(
        help:
            "A catalog name, model folder or file (default: $SM_MODEL_DIR, else /opt/ml/model if present, else the default model)."
    )
    var modelDir: String?

    @Option(help: "Detectors running at once (default: one per core, one thread each).")
    var workers: Int?

    @Option(help: "Threads per detector (default: the cores divided among the workers).")
    var threadsPerWorker: Int?

    @Flag(
        inversion: .prefixedNo,
        help: "Add a detector on all cores for requests that arrive while no other is being inferred (CPU backends).")
    var allCoresWhenIdle = true

    @Option(help: "Largest request body in MB (at most 1024); a larger one gets 413 and the connection closes.")
    var maxBodyMb: Double = 6

    @Option(
        help: "Requests that may wait for a detector (default: 2 per worker); more wait in line, unread (at most 4096)."
    )
    var maxQueue: Int?

    @Option(
        help:
            "Milliseconds a request that finds the queue full waits in line before 503 (0: refused at once; at most 60000)."
    )
    var admissionWaitMs = 100

    @Option(help: "Memory for decoding the images of requests in flight, together, in MB; more wait (1...65536).")
    var imageMemoryMb = SSDHandler.Configuration.defaultImageMemoryBytes >> 20

    @Option(help: "Open connections at once; more wait in the listen backlog (at most the open-files limit less 64).")
    var maxConnections = 512

    @Option(help: "Largest request line and headers in KB; more gets 431 (1...64).")
    var maxHeaderKb = 16

    @Option(help: "Seconds for a new connection to send its first request head (408 after; 1...3600).")
    var headerTimeout = 10

    @Option(help: "Seconds for a request body to arrive whole after its head (408 after; 1...3600).")
    var bodyTimeout = 30

    @Option(help: "Seconds an idle kept-alive connection stays open (1...3600).")
    var keepAliveTimeout = 75

    @Option(
        help:
            "Seconds idle connections stay open after SIGTERM, answering 503 rather than reset (default: 2, at most the grace period)."
    )
    var drainLinger: Int?

    @Option(help: "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .cpu

    @Option(help: "Response format for Accept: application/json: native or sagemaker.")
    var format: SSDHandler.OutputFormat = .native

    @Option(help: "Score threshold when a request gives none.")
    var threshold: Float = 0.5

    @Option(
        help:
            "Seconds in-flight requests get to finish after SIGTERM/SIGINT (0...3600); exit status 3 if any is cut off."
    )
    var gracePeriod = 30

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Detectors at most: each holds its own arena and threads.
    static let maximumWorkers = 64

    func validate() throws {
        guard backend != .all else { throw ValidationError("--backend all is for bench") }
        if let port { try Self.check("--port", port, 1...65535) }
        if let workers { try Self.check("--workers", workers, 1...Self.maximumWorkers) }
        if let threadsPerWorker {
            try Self.check("--threads-per-worker", threadsPerWorker, 1...BackendOptions.maximumThreads)
        }
        guard maxBodyMb.isFinite, maxBodyMb > 0, maxBodyMb <= 1024 else {
            throw ValidationError("--max-body-mb must be more than 0 and at most 1024")
        }
        if let maxQueue { try Self.check("--max-queue", maxQueue, 0...4096) }
        try Self.check("--admission-wait-ms", admissionWaitMs, 0...60000)
        try Self.check("--image-memory-mb", imageMemoryMb, 1...65536)
        try Self.check("--max-connections", maxConnections, 1...1_000_000)
        try Self.check("--max-header-kb", maxHeaderKb, 1...64)
        for (name, value) in [
            ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout),
            ("--keep-alive-timeout", keepAliveTimeout),
        ] {
            try Self.check(name, value, 1...3600)
        }
        try Self.check("--grace-period", gracePeriod, 0...3600)
        if let drainLinger { try Self.check("--drain-linger", drainLinger, 0...gracePeriod) }
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound); got \(value)")
        }
    }

    func run() async throws {
        Self.returnLargeBuffersToTheSystem()
        let environment = ProcessInfo.processInfo.environment
        let port =
            try port ?? environment["SAGEMAKER_BIND_TO_PORT"].map { value in
                guard let port = Int(value), (1...65535).contains(port) else {
                    throw ValidationError("SAGEMAKER_BIND_TO_PORT=\(value) is not a port")
                }
                return port
            } ?? 8080
        let directory = try modelDirectory(environment)
        let resolved = backend.resolve()
        // The lone-request detector is for CPU backends: an accelerator runs one request at a time anyway.
        let layout = WorkerLayout(
            workers: workers, threadsPerWorker: threadsPerWorker,
            allCoresWhenIdle: allCoresWhenIdle && resolved.kind != .accelerator)
        // Two waiting per detector keep every detector fed between a client's requests, while a request admitted
        // last waits about three inferences. The excess waits in line before its body is read, for at most the
        // admission wait: under overload, the latency of the requests served is that wait plus three inferences
        // (docs/RELIABILITY.md, "Overload").
        let queue = maxQueue ?? 2 * layout.workers
        var logger = Logger(label: "ssd-detect")
        logger.logLevel = logLevel
        let handler = SSDHandler(
            configuration: .init(
                backend: { resolved.makeBackend() }, layout: layout, maximumQueue: queue,
                defaultThreshold: threshold, defaultFormat: format, imageMemoryBytes: imageMemoryMb << 20))
        let connections = try Self.connectionLimit(maxConnections)
        logger.info(
            "starting",
            metadata: [
                "host": "\(host)", "port": "\(port)", "model_dir": "\(directory)", "workers": "\(layout.workers)",
                "all_cores_when_idle": "\(layout.loneRequestThreads != nil)",
                "backend": .string(
                    resolved.detail(threads: layout.threadsPerWorker)
                        + (resolved.reason.map { " (auto: \($0))" } ?? "")),
            ])
        // Every detector busy and the queue full: the next waits in line. (The lone-request detector is not
        // counted: it takes a request only when no other is running, never under load.)
        let admitted = layout.workers + queue
        let server = InferenceServer(
            handler: handler,
            configuration: ServerConfiguration(
                host: host, port: port,
                modelDirectory: directory, maximumBodyBytes: Int(maxBodyMb * 1_048_576),
                gracePeriod: .seconds(gracePeriod),
                maximumInvocations: admitted, admissionWait: .milliseconds(admissionWaitMs),
                maximumConnections: connections, maximumHeaderBytes: maxHeaderKb << 10,
                headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
                keepAliveTimeout: .seconds(keepAliveTimeout), drainLinger: .seconds(drainLinger ?? min(2, gracePeriod))),
            logger: logger)
        let report = try await server.run()
        guard report.cutOffInvocations == 0 else {
            logger.error(
                "stopped: the grace period cut off accepted requests",
                metadata: ["cut_off": "\(report.cutOffInvocations)", "grace_period_s": "\(gracePeriod)"])
            throw ExitCode(Self.cutOffExitCode)
        }
        logger.info("stopped")
    }

    /// The exit status when the grace period cut off accepted requests (docs/HTTP-API.md, "Shutdown").
    static let cutOffExitCode: Int32 = 3

    /// Raises the open-files limit to its hard limit (the default soft limit, 1024, is exhausted by idle sockets
    /// alone), and checks that `requested` connections fit under it with room for the model and logs.
    #if os(Linux)
        static let openFiles = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        static let openFiles = RLIMIT_NOFILE
    #endif

    static func connectionLimit(_ requested: Int) throws -> Int {
        var limit = rlimit()
        guard getrlimit(Self.openFiles, &limit) == 0 else { return requested }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            // An unlimited hard limit is still capped by the kernel's nr_open (a million by default).
            raised.rlim_cur = min(1 << 20, limit.rlim_max)
            if setrlimit(Self.openFiles, &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur) - 64
        guard requested <= available else {
            throw ValidationError(
                "--max-connections \(requested) does not fit the open-files limit (\(limit.rlim_cur)); "
                    + "at most \(available)")
        }
        return requested
    }

    /// Request bodies and decoded images (megabytes each) are mapped and unmapped, so that memory goes back to the
    /// system once a burst is answered. glibc would otherwise raise its mapping threshold to the largest block freed
    /// (up to 32 MB) and keep such blocks in its heap: the large-batch burst that follows the 2 MP batches of the
    /// load test (its requests decode nothing) peaked at 285 MB without this, 152 MB with it (docs/PERFORMANCE.md,
    /// "Overload").
    static func returnLargeBuffersToTheSystem() {
        #if os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
    }

    /// The model of --model-dir, else of SM_MODEL_DIR, else of /opt/ml/model if it exists, else the default model
    /// (each resolved as `ModelLocation` does), as the path the handler's model_fn loads: the folder of its
    /// model.json, or a bare .tflite file.
    func modelDirectory(_ environment: [String: String]) throws -> String {
        var given = modelDir
        if given == nil, let directory = environment["SM_MODEL_DIR"], !directory.isEmpty { given = directory }
        if given == nil, FileManager.default.fileExists(atPath: "/opt/ml/model") { given = "/opt/ml/model" }
        let manifest = try ModelLocation.resolve(given)
        return manifest == ModelManifest(tfliteModelAt: manifest.modelFile) ? manifest.modelFile : manifest.folder
    }
}

extension SSDHandler.OutputFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
