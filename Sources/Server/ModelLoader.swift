import Inference
import Logging
import ServiceLifecycle

/// Loads the model when the server starts (so /ping answers 503 meanwhile), then stays until shutdown.
struct ModelLoader<Handler: InferenceHandler>: Service {
    let handler: Handler
    let directory: String
    let state: ModelState<Handler.Model>
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        logger.info("loading model", metadata: ["model_dir": "\(directory)"])
        do throws(InferenceError) {
            state.set(try await handler.modelFn(modelDirectory: directory))
        } catch {
            logger.critical("cannot load the model", metadata: ["error": "\(error.message)"])
            throw error
        }
        logger.info("model ready", metadata: ["load_ms": "\(Int((clock.now - start).milliseconds))"])
        try? await gracefulShutdown()
    }
}
