import ArgumentParser
import Foundation
import Inference
import KServe
import SSD
import SSDService
import Server

/// `ssd-detect worker`: a model's network over KServe v2 REST, for front ends whose remote backend borrows this
/// host's accelerator (docs/REMOTE.md).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract:
            "Serve a model's network (input tensor in, raw heads out) over KServe v2: /v2/health/*, /v2/models/NAME, POST /v2/models/NAME/infer."
    )

    @Option(help: "A catalog name, model folder or file (default: the default model).")
    var model: String?

    @OptionGroup(title: "Server")
    var server: ServerOptions

    @Option(help: "Backend: cpu, accelerator or auto.")
    var backend: BackendChoice = .cpu

    func validate() throws {
        guard [.cpu, .accelerator, .auto].contains(backend) else {
            throw ValidationError("a worker runs --backend cpu, accelerator or auto")
        }
    }

    func run() async throws {
        MallocTuning.apply()
        let manifest = try ModelLocation.resolve(model)
        let resolved = try backend.resolve()
        let layout = server.layout(for: resolved)
        let logger = server.logger
        let directory = manifest.servedPath
        let handler = SSDHandler(
            configuration: .init(
                backend: { resolved.makeBackend() }, layout: layout, maximumQueue: server.queue(layout)))
        let platform = "ssd-detect-\(resolved.name)"
        let worker = KServeServer(
            configuration: try server.configuration(
                port: server.port ?? 8000, modelDirectory: directory, layout: layout),
            logger: logger
        ) { () throws(InferenceError) in
            let pool = try await handler.modelFn(modelDirectory: directory)
            return await NetworkService(pool: pool, name: manifest.servingName, platform: platform)
        }
        logger.info(
            "starting worker",
            metadata: [
                "host": "\(server.host)", "port": "\(server.port ?? 8000)", "model": "\(directory)",
                "workers": "\(layout.workers)",
                "backend": .string(
                    resolved.detail(threads: layout.threadsPerWorker) + (resolved.reason.map { " (auto: \($0))" } ?? "")
                ),
            ])
        try ServerOptions.finish(try await worker.run(), logger: logger, gracePeriod: server.gracePeriod)
    }
}
