@testable import Engine
import Testing
import TestSupport

/// The loader on the real model (facts from shared/models/.../MODEL.md, read there with the TFLite runtime) and
/// on hostile edits of it: every damaged file is a typed error naming what is wrong.
struct TFLiteLoaderTests {
    static func model() throws -> [UInt8] { try GoldenTensors.modelBytes() }

    @Test func loadsTheRealModel() throws {
        let graph = try TFLiteLoader.load(try Self.model(), name: "detect.tflite")
        #expect(graph.nodes.count == 64)
        let counts = Dictionary(uniqueKeysWithValues: graph.operationCounts.map { ($0.name, $0.count) })
        #expect(
            counts == [
                "CONV_2D": 34, "DEPTHWISE_CONV_2D": 13, "RESHAPE": 13, "CONCATENATION": 2, "LOGISTIC": 1,
                "TFLite_Detection_PostProcess": 1,
            ])
        let input = graph.tensors[graph.inputs[0]]
        #expect(input.shape == [1, 300, 300, 3] && input.dataType == .uint8)
        #expect(input.quantization == Quantization(scale: 0.0078125, zeroPoint: 128))

        let (network, tail) = graph.splittingCustomTail()
        #expect(network.outputs.map { network.tensors[$0].name } == ["Squeeze", "convert_scores"])
        #expect(tail.count == 1)
        guard case .custom(let name, let options) = tail[0].operation else { Issue.record("no custom tail"); return }
        #expect(name == "TFLite_Detection_PostProcess")
        #expect(options["max_detections"]?.intValue == 10)
        #expect(options["max_classes_per_detection"]?.intValue == 1)
        #expect(options["num_classes"]?.intValue == 90)
        #expect(options["nms_iou_threshold"]?.doubleValue.map { abs($0 - 0.6) < 1e-6 } == true)
        #expect(options["y_scale"]?.doubleValue == 10 && options["h_scale"]?.doubleValue == 5)
        let anchors = graph.tensors[tail[0].inputs[2]]
        #expect(anchors.isConstant && anchors.shape == [1917, 4])

        let validated = try network.validated()
        #expect(validated.multiplyAccumulates == 728_036_496)
    }

    @Test func emptyFileAndWrongMagic() throws {
        #expect(throws: ModelError.notTFLite(found: nil)) { try TFLiteLoader.load([], name: "empty") }
        var bytes = try Self.model()
        bytes.replaceSubrange(4..<8, with: Array("ONNX".utf8))
        #expect(throws: ModelError.notTFLite(found: "ONNX")) { try TFLiteLoader.load(bytes, name: "wrong") }
    }

    @Test func everyTruncationIsATypedError() throws {
        let bytes = try Self.model()
        var cuts = Array(stride(from: 8, to: bytes.count, by: 20_011))
        cuts += [9, 12, 100, 1000, bytes.count - 1000]  // (the last bytes are alignment padding)
        for cut in cuts {
            #expect(throws: ModelError.self, "cut at \(cut)") {
                try TFLiteLoader.load(Array(bytes[..<cut]), name: "truncated")
            }
        }
    }

    @Test func aRootOffsetOutsideTheFileIsMalformed() throws {
        var bytes = try Self.model()
        bytes.replaceSubrange(0..<4, with: [0xF0, 0xFF, 0xFF, 0x7F])
        #expect {
            try TFLiteLoader.load(bytes, name: "hostile")
        } throws: { error in
            guard case .malformed(.outOfBounds) = error as? ModelError else { return false }
            return true
        }
    }

    /// Where the input tensor's shape vector starts (its length word).
    static func inputShapeVector(_ bytes: [UInt8]) throws -> Int {
        let file = FlatBuffer(bytes)
        let subgraph = try file.root().vector(TFLiteSchema.Model.subgraphs, elementSize: 4)!.table(at: 0)
        let input = Int(try subgraph.vector(TFLiteSchema.SubGraph.inputs, elementSize: 4)!.scalars(Int32.self)[0])
        let tensor = try subgraph.vector(TFLiteSchema.SubGraph.tensors, elementSize: 4)!.table(at: input)
        return try file.follow(try tensor.fieldPosition(TFLiteSchema.Tensor.shape, width: 4)!, what: "test")
    }

    @Test func aShapeThatOverflowsIsInvalid() throws {
        var bytes = try Self.model()
        let shape = try Self.inputShapeVector(bytes)
        for dim in 0..<3 {  // [1, 300, 300, 3] -> [2^30, 2^30, 2^30, 3]
            bytes.replaceSubrange((shape + 4 + 4 * dim)..<(shape + 8 + 4 * dim), with: [0, 0, 0, 0x40])
        }
        #expect {
            try TFLiteLoader.load(bytes, name: "hostile")
        } throws: { error in
            guard case .invalid(let reason) = error as? ModelError else { return false }
            return reason.contains("too many elements")
        }
    }

    @Test func aNegativeDimensionIsInvalid() throws {
        var bytes = try Self.model()
        let shape = try Self.inputShapeVector(bytes)
        bytes.replaceSubrange((shape + 8)..<(shape + 12), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: ModelError.self) { try TFLiteLoader.load(bytes, name: "hostile") }
    }

    @Test func anUnsupportedOpIsNamedWithTheModel() throws {
        var bytes = try Self.model()
        let codes = try FlatBuffer(bytes).root().vector(TFLiteSchema.Model.operatorCodes, elementSize: 4)!
        for i in 0..<codes.count {
            let code = try codes.table(at: i)
            guard let position = try code.fieldPosition(TFLiteSchema.OperatorCode.deprecatedBuiltinCode, width: 1),
                bytes[position] == 14  // LOGISTIC
            else { continue }
            bytes[position] = 25  // SOFTMAX
            if let wide = try code.fieldPosition(TFLiteSchema.OperatorCode.builtinCode, width: 4) { bytes[wide] = 25 }
        }
        #expect(throws: ModelError.unsupportedOperator(name: "SOFTMAX", model: "edited.tflite", reason: nil)) {
            try TFLiteLoader.load(bytes, name: "edited.tflite")
        }
    }

    @Test func aDeclaredShapeThatDisagreesIsInvalid() throws {
        var graph = try TFLiteLoader.load(try Self.model(), name: "detect.tflite").splittingCustomTail().network
        graph.tensors[graph.nodes[0].outputs[0]].shape = [1, 151, 150, 24]
        #expect {
            try graph.validated()
        } throws: { error in
            guard case .invalid(let reason) = error as? ModelError else { return false }
            return reason.contains("declared [1, 151, 150, 24] but computes to [1, 150, 150, 24]")
        }
    }

    @Test func aMissingFileIsUnreadable() {
        #expect {
            try TFLiteLoader.load(contentsOf: "/nonexistent/model.tflite")
        } throws: { error in
            guard case .unreadable = error as? ModelError else { return false }
            return true
        }
    }
}

extension TFLiteLoaderTests {
    /// Where the input tensor's zero point (an int64 in its quantization table) lies in the file.
    static func inputZeroPoint(_ bytes: [UInt8]) throws -> Int {
        let file = FlatBuffer(bytes)
        let subgraph = try file.root().vector(TFLiteSchema.Model.subgraphs, elementSize: 4)!.table(at: 0)
        let input = Int(try subgraph.vector(TFLiteSchema.SubGraph.inputs, elementSize: 4)!.scalars(Int32.self)[0])
        let tensor = try subgraph.vector(TFLiteSchema.SubGraph.tensors, elementSize: 4)!.table(at: input)
        let quantization = try tensor.table(TFLiteSchema.Tensor.quantization)!
        let vector = try file.follow(
            try quantization.fieldPosition(TFLiteSchema.Quantization.zeroPoint, width: 4)!, what: "test")
        return vector + 4
    }

    /// The model's uint8 input with a zero point of 2^30 (any int64 fits the field): a typed error at validation,
    /// not an overflow in a kernel's int32 arithmetic.
    @Test func aZeroPointOutsideUInt8IsInvalid() throws {
        var bytes = try Self.model()
        let zeroPoint = try Self.inputZeroPoint(bytes)
        bytes.replaceSubrange(zeroPoint..<(zeroPoint + 8), with: [0, 0, 0, 0x40, 0, 0, 0, 0])
        let graph = try TFLiteLoader.load(bytes, name: "hostile").splittingCustomTail().network
        #expect {
            try graph.validated()
        } throws: { error in
            guard case .invalid(let reason) = error as? ModelError else { return false }
            return reason.contains("zero point 1073741824")
        }
    }
}
