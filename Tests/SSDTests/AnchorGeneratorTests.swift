import Foundation
import SSD
import Testing
import TestSupport

/// Generated anchors against the model's own (shared/reference/anchors_from_model.csv, dequantized from the
/// TFLite file by the runtime's tooling) and against hand-worked Caffe priors.
struct AnchorGeneratorTests {
    static func modelAnchors() throws -> [Anchor] {
        let text = String(decoding: try Assets.bytes("reference/anchors_from_model.csv"), as: UTF8.self)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let v = line.split(separator: ",").map { Float($0)! }
            return Anchor(yCenter: v[0], xCenter: v[1], height: v[2], width: v[3])
        }
    }

    @Test func tfParameterizationReproducesTheModelsAnchorsInOrder() throws {
        let expected = try Self.modelAnchors()
        let generated = GridAnchorConfiguration.ssdMobileNet300.anchors()
        #expect(expected.count == 1917)
        #expect(generated.count == expected.count)
        var worst: Float = 0
        for (a, b) in zip(generated, expected) {
            worst = max(
                worst, abs(a.yCenter - b.yCenter), abs(a.xCenter - b.xCenter), abs(a.height - b.height),
                abs(a.width - b.width))
        }
        // Half a quantization step of the model's uint8 anchors (scale 0.0064530605).
        #expect(worst <= 0.0033, "largest difference \(worst)")
    }

    @Test func layerSpecificationsFollowCreateSSDAnchors() {
        let specifications = GridAnchorConfiguration.ssdMobileNet300.boxSpecifications
        #expect(specifications.map(\.count) == [3, 6, 6, 6, 6, 6])
        #expect(specifications[0].map(\.scale) == [0.1, 0.2, 0.2])
        #expect(abs(specifications[5][0].scale - 0.95) < 1e-6)
        #expect(abs(specifications[5][5].scale - (0.95 as Float).squareRoot()) < 1e-6)  // sqrt(0.95 * 1.0)
    }

    @Test func caffePriorBoxes() {
        let layer = PriorBoxConfiguration.Layer(
            featureMapHeight: 2, featureMapWidth: 2, minimumSizes: [60],
            maximumSizes: [111], aspectRatios: [2], flip: true, step: 150)
        let anchors = PriorBoxConfiguration(layers: [layer], imageHeight: 300, imageWidth: 300).anchors()
        #expect(anchors.count == 2 * 2 * 4)
        let first = Array(anchors.prefix(4))
        #expect(first.allSatisfy { $0.yCenter == 0.25 && $0.xCenter == 0.25 })
        #expect(abs(first[0].height - 0.2) < 1e-6 && abs(first[0].width - 0.2) < 1e-6)
        #expect(abs(first[1].height - (60 * 111 as Float).squareRoot() / 300) < 1e-6)
        #expect(abs(first[2].height - 60 / Float(2).squareRoot() / 300) < 1e-6)
        #expect(abs(first[2].width - 60 * Float(2).squareRoot() / 300) < 1e-6)
        #expect(abs(first[3].width - first[2].height) < 1e-6)  // the flipped ratio
        #expect(anchors[4].xCenter == 0.75 && anchors[4].yCenter == 0.25)  // order: y, then x, then box

        let big = PriorBoxConfiguration.Layer(featureMapHeight: 1, featureMapWidth: 1, minimumSizes: [400])
        let clipped = PriorBoxConfiguration(layers: [big], imageHeight: 300, imageWidth: 300, clip: true).anchors()
        #expect(clipped == [Anchor(yCenter: 0.5, xCenter: 0.5, height: 1, width: 1)])
    }
}
