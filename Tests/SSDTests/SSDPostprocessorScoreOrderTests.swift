import Engine
import SSD
import Testing
import TestSupport

/// Quantized scores are ordered by their uint8 codes, in bands (SSDPostprocessor+ScoreOrder.swift); float scores by
/// the plain sort the hand-made and TFLite golden tests check. The same scores, given both ways, must give the same
/// detections in every mode, including walks that cross bands and ties at every code.
struct SSDPostprocessorScoreOrderTests {
    static let modes: [NonMaximumSuppression] = [.tfliteFast, .tfliteRegular, .hardPerClass(candidates: 200)]

    /// Detections from `codes` read as a quantized tensor and as the floats they stand for.
    static func bothWays(
        _ postprocessor: SSDPostprocessor, encodings: [UInt8], encodingsTensor: Tensor, codes: [UInt8],
        quantization: Quantization, threshold: Float?, limit: Int?
    ) -> (quantized: [RawDetection], float: [RawDetection]) {
        let shape = [postprocessor.boxCount, codes.count / postprocessor.boxCount]
        let quantized = Tensor(name: "scores", shape: shape, dataType: .uint8, quantization: quantization)
        let values = codes.map { (Float($0) - Float(quantization.zeroPoint)) * quantization.scale }
        let float = Tensor(name: "scores", shape: shape, dataType: .float32)
        return encodings.withUnsafeBytes { e in
            let boxes = TensorValues(e, tensor: encodingsTensor)
            func run(_ bytes: UnsafeRawBufferPointer, _ tensor: Tensor) -> [RawDetection] {
                postprocessor.detections(
                    encodings: boxes, scores: TensorValues(bytes, tensor: tensor), scoreThreshold: threshold,
                    maximumDetections: limit)
            }
            return (codes.withUnsafeBytes { run($0, quantized) }, values.withUnsafeBytes { run($0, float) })
        }
    }

    /// The model's heads on the golden photos, at thresholds from all pairs (a walk through every band) to few.
    @Test(arguments: modes, [Float(0), 0.3, 0.6])
    func goldenHeadsGiveTheSameDetectionsBothWays(nms: NonMaximumSuppression, threshold: Float) throws {
        let (model, encodingsTensor, scoresTensor) = try SSDPostprocessorTests.modelPostprocess()
        var options = model.options
        options.nms = nms
        let postprocessor = SSDPostprocessor(anchors: model.anchors, options: options)
        let quantization = try #require(scoresTensor.quantization)
        for image in GoldenTensors.images {
            for limit in [10, 300, 1917] {
                let (quantized, float) = Self.bothWays(
                    postprocessor, encodings: try GoldenTensors.bytes(image, "enc"), encodingsTensor: encodingsTensor,
                    codes: try GoldenTensors.bytes(image, "scores"), quantization: quantization,
                    threshold: threshold, limit: limit)
                #expect(quantized == float, "\(image), limit \(limit)")
                if threshold == 0 { #expect(quantized.count >= min(limit, 100), "\(image), limit \(limit)") }
            }
        }
    }

    /// 6,000 far-apart boxes, 2 classes and a background column, seeded codes from 0 to 19 at zero point 3: ties at
    /// every code and 12,000 pairs, 600 a code. The per-class walks reach the 6,000-detection limit in the third
    /// band (codes 19-18, 17-11, then 10 down), so every band decides part of the output; with 100 detections or
    /// candidates a class, both classes fill early and the walk stops there.
    @Test(
        arguments: [
            NonMaximumSuppression.tfliteFast, .tfliteRegular, .hardPerClass(candidates: 6000),
            .hardPerClass(candidates: 100),
        ], [6000, 100])
    func tiesAcrossBandsGiveTheSameDetectionsBothWays(nms: NonMaximumSuppression, perClass: Int) {
        let boxes = 6000
        let anchors = (0..<boxes).map {
            Anchor(
                yCenter: Float($0 / 100) / 60 + 0.005, xCenter: Float($0 % 100) / 100 + 0.005, height: 0.004,
                width: 0.004)
        }
        var generator = SplitMix64(seed: 16)
        let codes = (0..<boxes * 3).map { _ in UInt8(generator.next() % 20) }
        let options = PostprocessOptions(
            classCount: 2, maximumDetections: boxes, detectionsPerClass: perClass, nms: nms, scoreThreshold: 0.05,
            iouThreshold: 0.5)
        let postprocessor = SSDPostprocessor(anchors: anchors, options: options)
        let encodingsTensor = Tensor(
            name: "boxes", shape: [boxes, 4], dataType: .uint8, quantization: .init(scale: 1, zeroPoint: 0))
        let (quantized, float) = Self.bothWays(
            postprocessor, encodings: [UInt8](repeating: 0, count: boxes * 4), encodingsTensor: encodingsTensor,
            codes: codes, quantization: Quantization(scale: 0.05, zeroPoint: 3), threshold: nil, limit: nil)
        #expect(quantized == float)
        if nms == .tfliteRegular { #expect(quantized.count == min(boxes, 2 * perClass)) }
    }
}
