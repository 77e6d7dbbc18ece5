import CPUBackend
import Engine
import Foundation
import Testing
import TestSupport

/// Every op variant the ONNX loader converts (asymmetric and SAME_LOWER padding, dilation, strides, depthwise
/// multipliers, folded BatchNormalization and ReLU6, pooling, arithmetic with constants, an SSD's heads through
/// shape arithmetic, softmax and slices), on the CPU and reference backends, against onnxruntime's outputs for the
/// same graphs and inputs (scripts/onnx_op_reference.py writes them to .assets/onnx-ops at set-up).
struct ONNXOperatorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let input: [Int]
        let outputs: [[Int]]
        var testDescription: String { name }
    }

    static let folder = Assets.root.appendingPathComponent("onnx-ops")

    /// The cases of index.json; a missing index is an empty list, which `theIndexListsEveryCase` fails on.
    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("index.json").path),
            let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = index["cases"] as? [[String: Any]]
        else { return [] }
        return cases.compactMap { entry in
            guard let name = entry["name"] as? String, let input = entry["input"] as? [Int],
                let outputs = entry["outputs"] as? [[Int]]
            else { return nil }
            return Case(name: name, input: input, outputs: outputs)
        }
    }()

    static func floats(_ file: String) throws -> [Float] {
        let bytes = try Assets.bytes("onnx-ops/\(file)")
        return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Float(
                bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24)
        }
    }

    @Test func theIndexListsEveryCase() {
        #expect(Self.cases.count == 11, "run scripts/onnx_op_reference.py (make assets)")
    }

    @Test(arguments: cases)
    func bothBackendsComputeOnnxruntimesOutputs(testCase: Case) throws {
        let graph = try ONNXLoader.load(try Assets.bytes("onnx-ops/\(testCase.name).onnx"), name: testCase.name)
        let nchw = try Self.floats("\(testCase.name).input.f32")
        let (channels, height, width) = (testCase.input[1], testCase.input[2], testCase.input[3])
        let pixels = height * width
        let nhwc = (0..<nchw.count).map { i in nchw[(i % channels) * pixels + i / channels] }
        for backend in [CPUBackend(instructionSet: .float) as any Backend, ReferenceBackend()] {
            let model = try backend.prepare(graph, options: BackendOptions(threads: 2))
            nhwc.withUnsafeBytes { model.input(0).copyMemory(from: $0) }
            try model.run()
            for (position, shape) in testCase.outputs.enumerated() {
                let expected = try Self.floats("\(testCase.name).output.\(position).f32")
                let actual = Array(model.output(position).bindMemory(to: Float.self))
                #expect(model.outputTensor(position).shape == shape, "\(backend.name) output \(position)")
                let error = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
                #expect(
                    actual.count == expected.count && error <= 1e-4,
                    "\(testCase.name) \(backend.name) output \(position): relative error \(error)")
            }
        }
    }
}
