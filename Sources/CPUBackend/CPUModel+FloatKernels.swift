import CFloatKernels
import Engine

extension CPUModel {
    /// Packs a float convolution's filter (a depthwise one's with `depthwise`) for CFloatKernels and builds its
    /// indirection buffer. A float output stage (bias and clamp) is packed and fused; a quantized one runs after the
    /// kernel, on raw sums (exact integers, so the packing's order of sums changes nothing).
    func floatKernelPlan(
        isa: FloatKernelISA, node: Node, input: StoredTensor, output: StoredTensor, window: Window,
        geometry: WindowGeometry, requantizer: Requantizer, depthwise: Bool
    ) -> FloatKernelPlan {
        let filter = graph.tensors[node.inputs[1]]
        let (filterHeight, filterWidth, channels) = (filter.shape[1], filter.shape[2], output.shape[3])
        let taps = filterHeight * filterWidth
        var bias: UnsafePointer<Float>?
        var range = -Float.infinity...Float.infinity
        if case .float(let stage) = requantizer {
            bias = UnsafePointer(stage.bias)
            range = stage.range
        }
        let values = StoredValues.of(filter)
        let weights: UnsafeMutablePointer<Float>
        if depthwise {
            let size = fk_packed_depthwise_size(isa.rawValue, Int32(channels), Int32(taps))
            weights = allocate(bytes: size * 4).bindMemory(to: Float.self, capacity: size)
            fk_pack_depthwise(isa.rawValue, Int32(channels), Int32(taps), values, bias, weights)
        } else {
            let depth = values.count / channels
            let size = fk_packed_size(isa.rawValue, Int32(channels), Int32(depth))
            weights = allocate(bytes: size * 4).bindMemory(to: Float.self, capacity: size)
            fk_pack(isa.rawValue, Int32(channels), Int32(depth), values, bias, weights)
        }
        var indirection: UnsafeMutablePointer<UnsafePointer<Float>?>?
        if !depthwise && !Convolution.isPointwise(window: window, filterHeight: filterHeight, filterWidth: filterWidth)
        {
            let count = IndirectionBuffer.count(
                output: output.shape, filterHeight: filterHeight, filterWidth: filterWidth, tileRows: isa.tileRows)
            let buffer = allocate(bytes: count * MemoryLayout<UnsafePointer<Float>>.stride)
                .bindMemory(to: UnsafePointer<Float>?.self, capacity: count)
            // A pixel's worth of zeros for the taps outside the input (allocate zeroes its memory).
            let zeros = allocate(bytes: input.shape[3] * 4).bindMemory(to: Float.self, capacity: input.shape[3])
            IndirectionBuffer.fill(
                buffer, input: input, outputHeight: geometry.outputHeight, outputWidth: geometry.outputWidth,
                window: window, geometry: geometry, filterHeight: filterHeight, filterWidth: filterWidth,
                tileRows: isa.tileRows, zeros: zeros)
            indirection = buffer
        }
        var plan = FloatKernelPlan(
            isa: isa, weights: weights, indirection: indirection, taps: taps, low: range.lowerBound,
            high: range.upperBound, fusesOutputStage: bias != nil)
        if depthwise {
            plan.window = fk_depthwise_window(
                inputHeight: Int32(input.shape[1]), inputWidth: Int32(input.shape[2]), channels: Int32(channels),
                outputHeight: Int32(geometry.outputHeight), outputWidth: Int32(geometry.outputWidth),
                filterHeight: Int32(filterHeight), filterWidth: Int32(filterWidth),
                strideHeight: Int32(window.strideHeight), strideWidth: Int32(window.strideWidth),
                dilationHeight: Int32(window.dilationHeight), dilationWidth: Int32(window.dilationWidth),
                padTop: Int32(geometry.padTop), padLeft: Int32(geometry.padLeft))
        }
        return plan
    }
}
