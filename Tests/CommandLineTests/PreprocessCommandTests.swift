import Foundation
import Testing
import TestSupport

/// `ssd-detect preprocess`'s model input size, bounded before any image is read.
struct PreprocessCommandTests {
    @Test(arguments: ["100000x300", "0x300", "300x", "300x300x3", "-1x300"])
    func aSizeOutsideItsBoundIsAUsageError(size: String) throws {
        let result = try DetectCommandTests.run(["preprocess", "--size=\(size)", "x.jpg"])
        #expect(result.status == 64 && !result.crashed, "\(result)")
        #expect(result.errors.contains("--size must be WIDTHxHEIGHT, each 1...4096, not '\(size)'"), "\(result.errors)")
    }
}
