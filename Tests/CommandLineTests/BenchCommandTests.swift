import Foundation
import Testing
import TestSupport

/// `ssd-detect bench`'s numeric flags, refused before the model loads.
struct BenchCommandTests {
    /// `--iterations 1099511627776` once reserved that many samples and aborted.
    @Test(arguments: [
        (["--iterations", "1099511627776"], "--iterations must be between 1 and 100000, not 1099511627776"),
        (["--iterations", "0"], "--iterations must be between 1 and 100000, not 0"),
        (["--threads", "100000"], "--threads must be between 1 and 256, not 100000"),
    ])
    func numbersOutsideTheirBoundsAreUsageErrors(arguments: [String], message: String) throws {
        let result = try DetectCommandTests.run(
            ["bench", "--model", DetectCommandTests.model] + arguments,
            timeout: .seconds(60))
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains(message), "\(result.errors)")
    }
}
