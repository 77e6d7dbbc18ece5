import CQuantizedGEMM
import Engine

extension CPUModel {
    /// The graph inputs whose readers all gather their patches straight from the caller's bytes
    /// (`qgemm_pack_patches_u8`), as tensor indices: uint8 quantized inputs the caller does not read back, each read
    /// only as the input of 8-bit convolutions that gather patches (an image's first layer). Such an input needs no
    /// float copy: its `InputConversion` and the float im2col were 9% of the AVX-512 VNNI network.
    func inputsGatheredAsBytes() -> Set<Int> {
        guard kernel != nil else { return [] }
        let readers = graph.readers()
        return Set(
            inputIndices.filter { index in
                let tensor = graph.tensors[index]
                guard tensor.dataType == .uint8, tensor.quantization != nil, !outputIndices.contains(index),
                    let positions = readers[index]
                else { return false }
                return positions.map { graph.nodes[$0] }.allSatisfy { node in
                    gathersPatches(node) && node.inputs[0] == index && !node.inputs.dropFirst().contains(index)
                }
            })
    }

    /// Whether `node` is an 8-bit convolution that gathers its patches (not a pointwise one, whose rows are its
    /// input's pixels) from a window no deeper than `qgemm_pack_patches_u8` takes.
    func gathersPatches(_ node: Node) -> Bool {
        guard runsOnIntegers(node), case .conv2D(let parameters) = node.operation else { return false }
        let filter = graph.tensors[node.inputs[1]].shape
        return !Convolution.isPointwise(window: parameters.window, filterHeight: filter[1], filterWidth: filter[2])
            && filter[1] * filter[2] * filter[3] <= Int(QGEMM_BYTE_PATCH_DEPTH_BOUND)
    }
}
