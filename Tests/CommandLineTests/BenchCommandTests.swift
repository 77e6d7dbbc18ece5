import Foundation
import Testing
import TestSupport

/// `ssd-detect bench`: its numeric flags, refused before the model loads, and its per-kernel times.
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

    /// `--kernels`: one entry per step of an inference, in order, each with a median and a minimum; on 2 threads,
    /// SSD MobileNet's 10 x 10 layers split by columns wherever an 8-bit variant runs.
    @Test func kernelsAreTimedOneByOne() throws {
        let result = try DetectCommandTests.run(
            [
                "bench", "--model", DetectCommandTests.model, "--threads", "2", "--iterations", "3", "--kernels",
                "--json",
            ], timeout: .seconds(120))
        #expect(result.status == 0 && !result.crashed, "\(result)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let kernels = try #require(report["kernels"] as? [[String: Any]])
        let names = kernels.compactMap { $0["kernel"] as? String }
        #expect(names.count == kernels.count && names.count > 10)
        #expect(names.contains { $0.hasPrefix("DEPTHWISE_CONV_2D 1x19x19x") }, "\(names)")
        #expect(names.suffix(2).allSatisfy { $0.hasPrefix("output conversion") }, "\(names)")
        let minima = kernels.map { $0["min_us"] as? Double ?? -1 }
        for (kernel, minimum) in zip(kernels, minima) {
            #expect(minimum >= 0 && (kernel["p50_us"] as? Double ?? -1) >= minimum, "\(kernel)")
        }
        #expect(minima.reduce(0, +) > 0)
        // Each inference's steps summed: no faster than every step at its best, and its median no faster than its
        // minimum.
        let inferences = try #require(report["kernel_inferences"] as? [String: Double])
        let (p50, minimum) = (try #require(inferences["p50_us"]), try #require(inferences["min_us"]))
        #expect(minimum >= minima.reduce(0, +) * 0.999 && p50 >= minimum, "\(inferences)")
        // Where an 8-bit variant runs, the first layer gathers its patches from the caller's bytes (no input
        // conversion) and the 10 x 10 layers split by columns.
        if report["isa"] as? String != "float" {
            #expect(names.first?.hasPrefix("CONV_2D 1x150x150x") == true, "\(names)")
            #expect(names.contains { $0.hasPrefix("CONV_2D 1x10x10x") && $0.hasSuffix(" column parts") }, "\(names)")
        }
    }
}
