import ArgumentParser
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

    @Option(
        help:
            "A catalog name, model folder or file (default: $SM_MODEL_DIR, else /opt/ml/model if present, else the default model)."
    )
    var modelDir: String?

    @OptionGroup(title: "Server")
    var server: ServerOptions

    @Option(help: "Memory for decoding the images of requests in flight, together, in MB; more wait (1...65536).")
    var imageMemoryMb = SSDHandler.Configuration.defaultImageMemoryBytes >> 20

    @Option(help: "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .cpu

    @OptionGroup(title: "Remote backend")
    var remote: RemoteOptions

    @Option(help: "Response format for Accept: application/json: native or sagemaker.")
    var format: SSDHandler.OutputFormat = .native

    @Option(help: "Score threshold when a request gives none.")
    var threshold: Float = 0.5

    func validate() throws {
        try remote.validate(for: backend)
        guard backend != .all else { throw ValidationError("--backend all is for bench") }
        try ServerOptions.check("--image-memory-mb", imageMemoryMb, 1...65536)
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    func run() async throws {
        MallocTuning.apply()
        let environment = ProcessInfo.processInfo.environment
        let port =
            try server.port ?? environment["SAGEMAKER_BIND_TO_PORT"].map { value in
                guard let port = Int(value), (1...65535).contains(port) else {
                    throw ValidationError("SAGEMAKER_BIND_TO_PORT=\(value) is not a port")
                }
                return port
            } ?? 8080
        let manifest = try modelManifest(environment)
        let directory = manifest.servedPath
        let resolved = try backend.resolve(remote: remote, model: manifest)
        let layout = server.layout(for: resolved)
        let logger = server.logger
        let handler = SSDHandler(
            configuration: .init(
                backend: { resolved.makeBackend() }, layout: layout, maximumQueue: server.queue(layout),
                defaultThreshold: threshold, defaultFormat: format, imageMemoryBytes: imageMemoryMb << 20))
        let configuration = try server.configuration(port: port, modelDirectory: directory, layout: layout)
        logger.info(
            "starting",
            metadata: [
                "host": "\(server.host)", "port": "\(port)", "model_dir": "\(directory)",
                "workers": "\(layout.workers)",
                "all_cores_when_idle": "\(layout.loneRequestThreads != nil)",
                "backend": .string(
                    resolved.detail(threads: layout.threadsPerWorker)
                        + (resolved.reason.map { " (auto: \($0))" } ?? "")),
            ])
        let inferenceServer = InferenceServer(
            handler: handler, configuration: configuration, logger: logger,
            additionalMetrics: { resolved.remote?.statistics.prometheusText ?? "" })
        try ServerOptions.finish(try await inferenceServer.run(), logger: logger, gracePeriod: server.gracePeriod)
    }

    /// The model of --model-dir, else of SM_MODEL_DIR, else of /opt/ml/model if it exists, else the default model
    /// (each resolved as `ModelLocation` does).
    func modelManifest(_ environment: [String: String]) throws -> ModelManifest {
        var given = modelDir
        if given == nil, let directory = environment["SM_MODEL_DIR"], !directory.isEmpty { given = directory }
        if given == nil, FileManager.default.fileExists(atPath: "/opt/ml/model") { given = "/opt/ml/model" }
        return try ModelLocation.resolve(given)
    }
}

extension SSDHandler.OutputFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
