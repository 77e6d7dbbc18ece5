@testable import Engine
import Testing
import TestSupport

/// The reader against the real model, whose facts (shared/models/.../MODEL.md) were read with the TFLite runtime,
/// and against hostile edits of it.
struct FlatBufferTests {
    typealias Model = TFLiteSchema.Model
    typealias SubGraph = TFLiteSchema.SubGraph
    typealias Tensor = TFLiteSchema.Tensor

    @Test func readsTheModelsTopLevel() throws {
        let file = FlatBuffer(try GoldenTensors.modelBytes())
        #expect(file.fileIdentifier == "TFL3")
        let model = try file.root()
        #expect(try model.scalar(Model.version, default: UInt32(0)) == 3)
        #expect(try model.string(Model.description) == "TOCO Converted.")
        #expect(try model.vector(Model.subgraphs, elementSize: 4)?.count == 1)
        #expect(try model.vector(Model.buffers, elementSize: 4)?.count == 177)
        let subgraph = try model.vector(Model.subgraphs, elementSize: 4)!.table(at: 0)
        #expect(try subgraph.vector(SubGraph.operators, elementSize: 4)?.count == 64)

        let tensors = try subgraph.vector(SubGraph.tensors, elementSize: 4)!
        let inputs = try subgraph.vector(SubGraph.inputs, elementSize: 4)!.scalars(Int32.self)
        #expect(inputs.count == 1)
        let input = try tensors.table(at: Int(inputs[0]))
        #expect(try input.string(Tensor.name) == "normalized_input_image_tensor")
        #expect(try input.vector(Tensor.shape, elementSize: 4)?.scalars(Int32.self) == [1, 300, 300, 3])
        #expect(try input.scalar(Tensor.type, default: UInt8(0)) == 3)  // UINT8
        let quantization = try input.table(Tensor.quantization)!
        #expect(try quantization.vector(2, elementSize: 4)?.floats() == [0.0078125])  // scale
        #expect(try quantization.vector(3, elementSize: 8)?.scalars(Int64.self) == [128])  // zero point
    }

    @Test func offsetsOutsideTheFileAreTypedErrors() throws {
        var bytes = try GoldenTensors.modelBytes()
        // Root offset far past the end.
        var hostile = bytes
        hostile.replaceSubrange(0..<4, with: [0xF0, 0xFF, 0xFF, 0x7F])
        #expect(throws: FlatBufferError.self) { try FlatBuffer(hostile).root() }
        // A vtable claiming fields beyond its table's inline size.
        let root = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        let model = try FlatBuffer(bytes).root()
        bytes[model.vtable + 2] = 2  // table inline size 2: smaller than the soffset itself
        bytes[model.vtable + 3] = 0
        #expect(throws: FlatBufferError.invalidVTable(offset: model.vtable)) { try FlatBuffer(bytes).root() }
        #expect(root == model.position)
    }

    @Test func aVectorLengthThatWouldOverflowIsRefused() throws {
        let bytes = try GoldenTensors.modelBytes()
        let subgraph = try FlatBuffer(bytes).root().vector(Model.subgraphs, elementSize: 4)!.table(at: 0)
        let shapeField = try subgraph.vector(SubGraph.tensors, elementSize: 4)!.table(at: 0).fieldPosition(0, width: 4)!
        let shapeVector = try FlatBuffer(bytes).follow(shapeField, what: "test")
        var hostile = bytes
        hostile.replaceSubrange(shapeVector..<(shapeVector + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FlatBufferError.self) {
            try FlatBuffer(hostile).root().vector(Model.subgraphs, elementSize: 4)!.table(at: 0)
                .vector(SubGraph.tensors, elementSize: 4)!.table(at: 0).vector(Tensor.shape, elementSize: 4)
        }
    }

    @Test func emptyAndTinyFiles() {
        for bytes in [[], [0x04], [0, 0, 0, 0]] as [[UInt8]] {
            #expect(throws: FlatBufferError.self) { try FlatBuffer(bytes).root() }
        }
    }
}
