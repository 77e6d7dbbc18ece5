import CPUBackend
import Engine
import ImageIO
import SSD
import Testing
import TestSupport

/// The check `ssd-detect bench --backend all` makes of an accelerator against the CPU, here on two CPU paths.
struct DetectorAgreementTests {
    static func detector(instructionSet: CPUInstructionSet? = nil, maximumDetections: Int? = nil) throws -> Detector {
        let path = GoldenTensors.modelPath
        var options: PostprocessOptions?
        if let maximumDetections {
            options = try Detector(modelPath: path, backend: CPUBackend(), options: BackendOptions(threads: 1))
                .postprocessor.options
            options?.maximumDetections = maximumDetections
        }
        return try Detector(
            modelPath: path, backend: CPUBackend(instructionSet: instructionSet),
            options: BackendOptions(threads: 1), postprocessOptions: options)
    }

    /// The float-convolution path is within a few steps of the 8-bit one (the engine issue's bound), and finds
    /// the same objects.
    @Test(arguments: ["darknet_dog", "darknet_person"])
    func theFloatPathAgreesWithTheIntegerPath(photo: String) throws {
        let image = try ImageDecoder().decode(try Assets.photo(photo)).image
        let agreement = try DetectorAgreement(
            try Self.detector(instructionSet: .float), against: try Self.detector(),
            image: image)
        #expect(agreement.holds, "\(agreement.summary)")
        #expect(agreement.heads.count == 2)
        #expect(agreement.detections >= 2 && agreement.unmatched == 0, "\(agreement.summary)")
        #expect(agreement.summary.hasPrefix("agrees"))
    }

    /// A detector that keeps one box where the other keeps them all: the heads agree, the detections do not.
    @Test func missingDetectionsAreCounted() throws {
        let image = try ImageDecoder().decode(try Assets.photo("darknet_dog")).image
        let agreement = try DetectorAgreement(
            try Self.detector(maximumDetections: 1), against: try Self.detector(),
            image: image)
        #expect(agreement.heads.allSatisfy { $0.maximumDifference == 0 })
        #expect(agreement.detections == 1 && agreement.baselineDetections >= 3, "\(agreement.summary)")
        #expect(agreement.unmatched == agreement.baselineDetections - 1)
        #expect(!agreement.holds)
        #expect(agreement.summary.hasPrefix("DOES NOT AGREE"))
    }

    @Test func headsOutsideTheBoundFailTheCheck() {
        let far = HeadComparison([0, 0, 0, 0], [0, 0, 0, 7])
        #expect(!far.meetsTFLiteBound)
        #expect(!DetectorAgreement(heads: [far], detections: 1, baselineDetections: 1, unmatched: 0).holds)
        let near = HeadComparison([0, 1, 2, 3], [0, 0, 2, 3])
        #expect(DetectorAgreement(heads: [near], detections: 1, baselineDetections: 1, unmatched: 0).holds)
    }
}
