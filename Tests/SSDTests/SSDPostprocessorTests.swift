import Engine
import SSD
import Testing
import TestSupport

/// The postprocess against TFLite_Detection_PostProcess's own outputs on the golden raw heads, and on small
/// hand-made cases for what the golden files do not exercise.
struct SSDPostprocessorTests {
    static func modelPostprocess() throws -> (postprocessor: SSDPostprocessor, encodings: Tensor, scores: Tensor) {
        let graph = try TFLiteLoader.load(try GoldenTensors.modelBytes(), name: "detect.tflite")
        let (network, tail) = graph.splittingCustomTail()
        let postprocessor = try #require(try SSDPostprocessor(embeddedIn: graph, tail: tail))
        #expect(postprocessor.anchors.count == 1917)
        return (postprocessor, network.tensors[network.outputs[0]], network.tensors[network.outputs[1]])
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test(arguments: GoldenTensors.images)
    func reproducesTheRuntimesPostprocess(image: String) throws {
        let (postprocessor, encodingsTensor, scoresTensor) = try Self.modelPostprocess()
        let encodings = try GoldenTensors.bytes(image, "enc"), scores = try GoldenTensors.bytes(image, "scores")
        let detections = encodings.withUnsafeBytes { e in
            scores.withUnsafeBytes { s in
                postprocessor.detections(
                    encodings: TensorValues(e, tensor: encodingsTensor),
                    scores: TensorValues(s, tensor: scoresTensor))
            }
        }
        let boxes = Self.floats(try GoldenTensors.bytes(image, "boxes"))
        let classes = Self.floats(try GoldenTensors.bytes(image, "classes"))
        let expectedScores = Self.floats(try GoldenTensors.bytes(image, "det_scores"))
        let count = Int(Self.floats(try GoldenTensors.bytes(image, "num"))[0])
        #expect(detections.count == count)
        for (i, detection) in detections.enumerated() where i < count {
            #expect(detection.classIndex == Int(classes[i]), "detection \(i)")
            #expect(detection.score == expectedScores[i], "detection \(i)")
            let box = [detection.box.ymin, detection.box.xmin, detection.box.ymax, detection.box.xmax]
            for k in 0..<4 { #expect(abs(box[k] - boxes[i * 4 + k]) <= 1e-5, "detection \(i) coordinate \(k)") }
        }
    }

    /// Three anchors, two classes plus background, as float heads.
    static func handMade(
        scores: [Float], nms: NonMaximumSuppression = .tfliteFast, iou: Float = 0.5
    ) -> [RawDetection] {
        let anchors = [
            Anchor(yCenter: 0.5, xCenter: 0.5, height: 0.4, width: 0.4),
            Anchor(yCenter: 0.52, xCenter: 0.5, height: 0.4, width: 0.4),  // overlaps the first (IoU 0.9)
            Anchor(yCenter: 0.1, xCenter: 0.1, height: 0.1, width: 0.1),
        ]
        let options = PostprocessOptions(
            classCount: 2, maximumDetections: 10, nms: nms,
            scoreThreshold: 0.1, iouThreshold: iou)
        let encodings = [Float](repeating: 0, count: 12)
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        return encodings.withUnsafeBytes { e in
            scores.withUnsafeBytes { s in
                SSDPostprocessor(anchors: anchors, options: options).detections(
                    encodings: TensorValues(e, tensor: tensor([3, 4])), scores: TensorValues(s, tensor: tensor([3, 3])))
            }
        }
    }

    @Test func fastModeSuppressesAcrossClassesAndBreaksTiesByAnchor() {
        // Rows: anchor; columns: background, class 0, class 1.
        let detections = Self.handMade(scores: [0.9, 0.8, 0.3, 0.0, 0.2, 0.8, 0.0, 0.05, 0.5])
        // Anchors 0 and 1 tie at 0.8: anchor 0 wins (lower index) and suppresses anchor 1 although its class differs.
        #expect(detections.map(\.classIndex) == [0, 1])
        #expect(detections.map(\.score) == [0.8, 0.5])
        #expect(abs(detections[0].box.ymin - 0.3) < 1e-6 && abs(detections[0].box.xmax - 0.7) < 1e-6)
    }

    @Test func regularModeSuppressesWithinAClassOnly() {
        let detections = Self.handMade(scores: [0.9, 0.8, 0.3, 0.0, 0.2, 0.8, 0.0, 0.05, 0.5], nms: .tfliteRegular)
        // Class 0 keeps anchor 0 (0.8), suppresses anchor 1 (0.2); class 1 keeps anchor 1 (0.8), suppresses
        // anchor 0 (0.3), keeps anchor 2 (0.5).
        #expect(detections.map(\.classIndex) == [0, 1, 1])
        #expect(detections.map(\.score) == [0.8, 0.8, 0.5])
    }

    @Test func thresholdAndLimitOverrides() throws {
        let (postprocessor, encodingsTensor, scoresTensor) = try Self.modelPostprocess()
        let encodings = try GoldenTensors.bytes("darknet_dog", "enc"),
            scores = try GoldenTensors.bytes("darknet_dog", "scores")
        func run(_ threshold: Float?, _ limit: Int?) -> [RawDetection] {
            encodings.withUnsafeBytes { e in
                scores.withUnsafeBytes { s in
                    postprocessor.detections(
                        encodings: TensorValues(e, tensor: encodingsTensor),
                        scores: TensorValues(s, tensor: scoresTensor), scoreThreshold: threshold,
                        maximumDetections: limit)
                }
            }
        }
        let all = run(nil, nil)
        let confident = run(0.5, nil)
        #expect(confident == all.filter { $0.score >= 0.5 })
        #expect(run(nil, 3) == Array(all.prefix(3)))
        #expect(run(nil, 0).isEmpty)
    }

    /// A limit past the anchors is cut to them (fast mode once reserved `Int.max` slots and aborted), in every mode.
    @Test(arguments: [NonMaximumSuppression.tfliteFast, .tfliteRegular, .hardPerClass(candidates: 1917)])
    func aLimitBeyondTheAnchorsIsCutToThem(nms: NonMaximumSuppression) throws {
        let (model, encodingsTensor, scoresTensor) = try Self.modelPostprocess()
        var options = model.options
        options.nms = nms
        let postprocessor = SSDPostprocessor(anchors: model.anchors, options: options)
        let encodings = try GoldenTensors.bytes("darknet_dog", "enc")
        let scores = try GoldenTensors.bytes("darknet_dog", "scores")
        func run(_ limit: Int) -> [RawDetection] {
            encodings.withUnsafeBytes { e in
                scores.withUnsafeBytes { s in
                    postprocessor.detections(
                        encodings: TensorValues(e, tensor: encodingsTensor),
                        scores: TensorValues(s, tensor: scoresTensor), scoreThreshold: 0, maximumDetections: limit)
                }
            }
        }
        let unbounded = run(Int.max)
        #expect(unbounded.count > 10 && unbounded.count <= 1917)
        #expect(unbounded == run(1917))
    }

    /// Options built in code skip `validate()`; the postprocess still must not trap on them.
    @Test(arguments: [
        PostprocessOptions(classCount: 2, maximumClassesPerDetection: -1),
        PostprocessOptions(classCount: 0),
        PostprocessOptions(classCount: -5),
        PostprocessOptions(classCount: Int.max),
        PostprocessOptions(classCount: 2, maximumDetections: Int.max),
    ])
    func unvalidatedOptionsNeverTrap(options: PostprocessOptions) {
        let anchors = [Anchor(yCenter: 0.5, xCenter: 0.5, height: 0.4, width: 0.4)]
        let encodings = [Float](repeating: 0, count: 4), scores: [Float] = [0, 0.9, 0.8]
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        let detections = encodings.withUnsafeBytes { e in
            scores.withUnsafeBytes { s in
                SSDPostprocessor(anchors: anchors, options: options).detections(
                    encodings: TensorValues(e, tensor: tensor([1, 4])), scores: TensorValues(s, tensor: tensor([1, 3])))
            }
        }
        #expect(detections.count <= 1)
    }

    /// Boxes the graph decoded: corners taken as they are (x first), no anchors; a center-size encoding without
    /// anchors (refused by `validate()`) gives nothing rather than trapping.
    @Test func boxesTheGraphDecodedNeedNoAnchors() {
        let boxes: [Float] = [0.1, 0.2, 0.3, 0.4, 0.6, 0.6, 0.9, 0.8], scores: [Float] = [0.2, 0.8, 0.9, 0.1]
        let tensor = { (shape: [Int]) in Tensor(name: "t", shape: shape, dataType: .float32) }
        func run(_ coder: BoxCoder) -> [RawDetection] {
            let options = PostprocessOptions(classCount: 1, scoreThreshold: 0.5, boxCoder: coder)
            return boxes.withUnsafeBytes { b in
                scores.withUnsafeBytes { s in
                    SSDPostprocessor(inGraphBoxes: 2, options: options).detections(
                        encodings: TensorValues(b, tensor: tensor([2, 4])),
                        scores: TensorValues(s, tensor: tensor([2, 2])))
                }
            }
        }
        #expect(
            run(BoxCoder(encoding: .cornersXYXY)) == [
                RawDetection(classIndex: 0, score: 0.8, box: BoundingBox(ymin: 0.2, xmin: 0.1, ymax: 0.4, xmax: 0.3))
            ])
        #expect(run(BoxCoder(encoding: .centerSizeXYWH)).isEmpty)
        #expect(SSDPostprocessor(inGraphBoxes: 2, options: PostprocessOptions(classCount: 1)).boxCount == 2)
    }
}
