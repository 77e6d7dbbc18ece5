import ArgumentParser
import Engine
import Logging
import SSDService
import Server

/// The flags `serve` and `worker` share: where to listen, the workers, and every bound the server keeps.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port (serve: default $SAGEMAKER_BIND_TO_PORT, else 8080; worker: default 8000).")
    var port: Int?

    @Option(help: "Networks running at once (default: one per core, one thread each).")
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
        help: "Requests that may wait for a network (default: 2 per worker); more wait in line, unread (at most 4096)."
    )
    var maxQueue: Int?

    @Option(
        help:
            "Milliseconds a request that finds the queue full waits in line before 503 (0: refused at once; at most 60000)."
    )
    var admissionWaitMs = 100

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

    @Option(
        help:
            "Seconds in-flight requests get to finish after SIGTERM/SIGINT (0...3600); exit status 3 if any is cut off."
    )
    var gracePeriod = 30

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Workers at most: each holds its own arena and threads.
    static let maximumWorkers = 64

    func validate() throws {
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
    }

    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be between \(range.lowerBound) and \(range.upperBound); got \(value)")
        }
    }

    /// The workers and their threads; the lone-request worker on all cores only where `allCoresWhenIdle` is asked
    /// for and the network runs on this CPU (an accelerator runs one request at a time anyway, and a remote backend
    /// runs it elsewhere).
    func layout(for backend: ResolvedBackend) -> WorkerLayout {
        let networkRunsHere = backend.kind == .cpu || backend.kind == .reference
        return WorkerLayout(
            workers: workers, threadsPerWorker: threadsPerWorker, allCoresWhenIdle: allCoresWhenIdle && networkRunsHere)
    }

    /// Requests that may wait for a worker: two per worker by default, which keeps every worker fed between a
    /// client's requests while a request admitted last waits about three inferences. The excess waits in line
    /// before its body is read, for at most the admission wait (docs/RELIABILITY.md, "Overload").
    func queue(_ layout: WorkerLayout) -> Int { maxQueue ?? 2 * layout.workers }

    /// The logger at --log-level.
    var logger: Logger {
        var logger = Logger(label: "ssd-detect")
        logger.logLevel = logLevel
        return logger
    }

    /// Every bound as the server takes it. Every worker busy and the queue full: the next waits in line. (The
    /// lone-request worker is not counted: it takes a request only when no other is running, never under load.)
    func configuration(port: Int, modelDirectory: String, layout: WorkerLayout) throws -> ServerConfiguration {
        ServerConfiguration(
            host: host, port: port, modelDirectory: modelDirectory, maximumBodyBytes: Int(maxBodyMb * 1_048_576),
            gracePeriod: .seconds(gracePeriod), maximumInvocations: layout.workers + queue(layout),
            admissionWait: .milliseconds(admissionWaitMs), maximumConnections: try Self.connectionLimit(maxConnections),
            maximumHeaderBytes: maxHeaderKb << 10, headerTimeout: .seconds(headerTimeout),
            bodyTimeout: .seconds(bodyTimeout), keepAliveTimeout: .seconds(keepAliveTimeout),
            drainLinger: .seconds(drainLinger ?? min(2, gracePeriod)))
    }
}
