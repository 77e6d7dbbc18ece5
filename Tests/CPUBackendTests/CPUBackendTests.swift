import CPUBackend
import Engine
import Testing
import TestSupport

/// The CPU backend's own settings.
struct CPUBackendTests {
    /// Refused before a worker starts: `--threads 100000` once hung at start-up.
    @Test func tooManyThreadsAreRefusedBeforeAnyStarts() throws {
        let network = try GoldenTensors.network()
        #expect(throws: ModelError.invalidOption(name: "threads", value: "100000", allowed: "1...256")) {
            _ = try CPUBackend().prepare(network, options: BackendOptions(threads: 100_000))
        }
        #expect(throws: ModelError.invalidOption(name: "threads", value: "0", allowed: "1...256")) {
            _ = try CPUBackend().prepare(network, options: BackendOptions(threads: 0))
        }
    }
}
