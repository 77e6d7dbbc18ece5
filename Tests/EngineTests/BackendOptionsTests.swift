import Engine
import Testing
import TestSupport

/// The bounds every backend puts on its options, before any planning.
struct BackendOptionsTests {
    @Test(arguments: [0, -1, BackendOptions.maximumThreads + 1, 100_000, Int.max])
    func threadsOutsideTheBoundAreATypedError(threads: Int) throws {
        let expected = ModelError.invalidOption(name: "threads", value: "\(threads)", allowed: "1...256")
        #expect(throws: expected) { try BackendOptions(threads: threads).validate() }
        #expect(expected.description == "backend option threads = \(threads) is outside 1...256")
        let network = try GoldenTensors.network()
        #expect(throws: expected) {
            _ = try ReferenceBackend().prepare(network, options: BackendOptions(threads: threads))
        }
    }

    @Test(arguments: [nil, 1, BackendOptions.maximumThreads])
    func threadsWithinTheBoundPass(threads: Int?) throws {
        try BackendOptions(threads: threads).validate()
        #expect(BackendOptions.maximumThreads == 256)
    }
}
