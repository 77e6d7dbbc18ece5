import Inference
import Logging
import ServiceLifecycle

/// Loads the model when the server starts (so readiness answers 503 meanwhile), then stays until shutdown.
struct ModelLoader<Model: Sendable>: Service {
    let load: @Sendable () async throws(InferenceError) -> Model
    let directory: String
    let state: ModelState<Model>
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        logger.info("loading model", metadata: ["model_dir": "\(directory)"])
        do throws(InferenceError) {
            state.set(try await load())
        } catch {
            logger.critical("cannot load the model", metadata: ["error": "\(error.message)"])
            throw error
        }
        logger.info("model ready", metadata: ["load_ms": "\(Int((clock.now - start).milliseconds))"])
        try? await gracefulShutdown()
    }
}
