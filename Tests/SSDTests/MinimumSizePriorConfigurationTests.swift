import SSD
import Testing
import TestSupport

/// Generated priors against the ones the model's own code writes (shared/reference/ultraface/priors.csv, made by
/// shared/tools/onnx_reference.py: cx, cy, w, h).
struct MinimumSizePriorConfigurationTests {
    @Test func ultraFacePriorsAreTheReferenceOnes() throws {
        let text = String(decoding: try Assets.bytes("reference/ultraface/priors.csv"), as: UTF8.self)
        let reference = text.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",").compactMap { Float($0) }
        }
        let priors = MinimumSizePriorConfiguration.ultraFace320.priors()
        #expect(priors.count == 4420 && reference.count == 4420)
        let worst =
            zip(priors, reference).map { prior, row in
                max(
                    abs(prior.xCenter - row[0]), abs(prior.yCenter - row[1]), abs(prior.width - row[2]),
                    abs(prior.height - row[3]))
            }.max() ?? .infinity
        #expect(worst <= 1e-7, "largest difference \(worst)")
    }

    /// The same description, at 640x480: the larger variant's count.
    @Test func theSameRuleGivesThe640x480VariantItsPriors() {
        var configuration = MinimumSizePriorConfiguration.ultraFace320
        configuration.inputWidth = 640
        configuration.inputHeight = 480
        #expect(configuration.priors().count == 17_640)
    }

    @Test func aNonPositiveStrideOrSizeGivesNoPriors() {
        #expect(MinimumSizePriorConfiguration(inputWidth: 320, inputHeight: 240, layers: [(0, [10])]).priors().isEmpty)
        #expect(MinimumSizePriorConfiguration(inputWidth: 320, inputHeight: 240, layers: [(8, [-1])]).priors().isEmpty)
        #expect(MinimumSizePriorConfiguration(inputWidth: 0, inputHeight: 240, layers: [(8, [10])]).priors().isEmpty)
    }
}
