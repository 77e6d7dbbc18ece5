import COpenBLAS
import CQuantizedGEMM
import Engine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A graph planned for the CPU: its arena, packed weights and the kernels that run in order.
final class CPUModel: PreparedModel {
    let graph: Graph
    let inputIndices: [Int]
    let outputIndices: [Int]
    /// Every buffer the model owns (arena, weights, input and output bytes), freed with it.
    private var allocations: [UnsafeMutableRawPointer] = []
    private var inputBuffers: [UnsafeMutableRawBufferPointer] = []
    private var outputBuffers: [UnsafeMutableRawBufferPointer] = []
    /// The steps of an inference, in order, and their names (`KernelTiming`).
    private(set) var kernels: [any CPUKernel] = []
    private(set) var kernelNames: [String] = []
    let pool: WorkerPool
    /// Bytes of the intermediate-tensor arena.
    private(set) var arenaSize = 0
    /// Address space as large as the largest tensor no kernel stores (`unstoredTensors`) that any access faults on
    /// (no memory behind it): their stored form, so that a kernel that did read or write one would stop at once
    /// instead of spoiling another tensor's bytes.
    private var inaccessible: UnsafeMutableRawBufferPointer?

    /// The 8-bit kernel quantized convolutions run on; nil: the float kernels.
    let kernel: qgemm_isa?
    /// CFloatKernels' variant for float convolutions; nil where the CPU runs none (OpenBLAS then).
    let floatISA: FloatKernelISA?
    /// Scratch of the 8-bit kernel, shared by all convolutions: packed activation rows and their row terms.
    private var integerActivations: UnsafeMutableRawPointer?
    private var integerRowTerms: UnsafeMutablePointer<Int32>?
    /// The 8-bit form of each convolution that has one, by node position, built once for the node and the
    /// depthwise convolution that packs for it.
    private var integerGEMMs: [Int: IntegerGEMM] = [:]
    /// The caller's buffer of each input that convolutions gather as bytes (`inputsGatheredAsBytes()`).
    private var inputBytes: [Int: UnsafePointer<UInt8>] = [:]

    init(graph: Graph, options: BackendOptions, kernel: qgemm_isa?, floatISA: FloatKernelISA?) {
        self.kernel = kernel
        self.floatISA = floatISA
        self.graph = graph
        inputIndices = graph.inputs
        outputIndices = graph.outputs + options.extraOutputs
        // Parallelism is ours (the pool splits each kernel); OpenBLAS runs single-threaded inside each part.
        // Its own threading also allocates on every multithreaded call.
        openblas_set_num_threads(1)
        pool = WorkerPool(threads: options.threads ?? BackendOptions.defaultThreads)
        plan()
    }

    deinit {
        pool.shutDown()
        for allocation in allocations { allocation.deallocate() }
        if let inaccessible { munmap(inaccessible.baseAddress, inaccessible.count) }
    }

    func input(_ position: Int) -> UnsafeMutableRawBufferPointer { inputBuffers[position] }

    func output(_ position: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(outputBuffers[position]) }

    func run() {
        for kernel in kernels { kernel.run(on: pool) }
    }

    /// Warm-up inferences. The first touches the arena and OpenBLAS's buffers; a thorough warm-up then runs more
    /// for a while, so that the first request after load runs at the speed of the ones after it. With several
    /// threads, Linux first runs a new worker beside the caller on one core, and inferences stayed at single-thread
    /// speed for about 60 ms until its load balancer moved them apart. With one thread, what a new process meets in
    /// its first tens of milliseconds (the exit of the process before it, the start of the one reading its output,
    /// the scheduler moving it to the other core) slowed its first inferences by up to 2x in traces of each
    /// inference (docs/PERFORMANCE.md, "Session 9: the first inference"). A request should pay neither.
    func warmUp(thorough: Bool) {
        run()
        guard thorough else { return }
        let clock = ContinuousClock()
        let start = clock.now
        var runs = 1
        while clock.now - start < Self.thoroughWarmUp && runs < 100 {
            run()
            runs += 1
        }
    }

    static let thoroughWarmUp = Duration.milliseconds(200)

    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: ArenaPlanner.alignment)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
        allocations.append(pointer)
        return pointer
    }

    func allocateFloats(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let pointer = allocate(bytes: values.count * 4).bindMemory(to: Float.self, capacity: values.count)
        pointer.update(from: values, count: values.count)
        return pointer
    }

    /// Lays out the arena and builds the kernels: everything `run` needs, decided once.
    private func plan() {
        let tensors = graph.tensors
        let gatheredAsBytes = inputsGatheredAsBytes()
        let packing = depthwisePackingPairs()
        let unstored = unstoredTensors(gatheredAsBytes: gatheredAsBytes, packing: packing)
        let unstoredBytes = unstored.map { tensors[$0].elementCount * 4 }.max() ?? 0
        if unstoredBytes > 0, let start = mmap(nil, unstoredBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            start != MAP_FAILED
        {
            inaccessible = UnsafeMutableRawBufferPointer(start: start, count: unstoredBytes)
        }
        // Ordinary memory, as the arena would have given, where that address space cannot be had.
        let unstoredStorage = inaccessible?.baseAddress ?? allocate(bytes: unstoredBytes)
        // Im2col scratch for the float convolutions that need it, live during their own step (the 8-bit path
        // gathers into its packed rows).
        let layout = ArenaLayout(graph: graph, outputs: outputIndices, elementSize: 4, unstored: unstored) { _, node in
            guard case .conv2D(let parameters) = node.operation, !self.runsOnIntegers(node) else { return 0 }
            if self.floatISA != nil { return 0 }  // an indirection buffer instead
            let filter = tensors[node.inputs[1]].shape
            guard !Convolution.isPointwise(window: parameters.window, filterHeight: filter[1], filterWidth: filter[2])
            else { return 0 }
            return 4
                * Convolution.patchCount(
                    output: tensors[node.outputs[0]].shape, filterHeight: filter[1],
                    filterWidth: filter[2], inputChannels: filter[3])
        }
        arenaSize = layout.size
        let arena = allocate(bytes: layout.size)

        // Constants read as data (not as filters) get stored copies of their own.
        var constantStorage: [Int: UnsafeMutablePointer<Float>] = [:]
        for index in layout.constantsReadAsData {
            constantStorage[index] = allocateFloats(StoredValues.of(tensors[index]))
        }
        // A float input's stored form is its bytes: kernels read the caller's buffer in place (no node writes a
        // graph input) rather than a copy, which cost about 2% of UltraFace's network per run.
        var inputStorage: [Int: UnsafeMutablePointer<Float>] = [:]
        for index in inputIndices {
            let buffer = UnsafeMutableRawBufferPointer(
                start: allocate(bytes: tensors[index].byteCount),
                count: tensors[index].byteCount)
            inputBuffers.append(buffer)
            if tensors[index].dataType == .float32 && tensors[index].quantization == nil {
                inputStorage[index] = buffer.baseAddress!.bindMemory(
                    to: Float.self, capacity: tensors[index].elementCount)
            }
        }
        func stored(_ index: Int) -> StoredTensor {
            let root = layout.storageRoot[index]
            let pointer: UnsafeMutablePointer<Float>
            if let storage = constantStorage[root] ?? inputStorage[root] {
                pointer = storage
            } else if let offset = layout.offset(of: index) {
                pointer = (arena + offset).bindMemory(to: Float.self, capacity: tensors[root].elementCount)
            } else {
                precondition(unstored.contains(root), "tensor \(index) has no storage")
                pointer = unstoredStorage.bindMemory(to: Float.self, capacity: tensors[root].elementCount)
            }
            return StoredTensor(
                pointer: pointer, shape: tensors[index].shape, quantization: tensors[index].quantization)
        }
        for (position, index) in inputIndices.enumerated() where inputStorage[index] == nil {
            if gatheredAsBytes.contains(index) {
                inputBytes[index] = UnsafePointer(
                    inputBuffers[position].baseAddress!.assumingMemoryBound(to: UInt8.self))
            } else {
                append(
                    InputConversion(source: inputBuffers[position], destination: stored(index)),
                    name: "input conversion", shape: tensors[index].shape)
            }
        }
        allocateIntegerScratch()
        for (position, node) in graph.nodes.enumerated() {
            if let kernel = makeKernel(
                node, at: position, packing: packing, stored: stored,
                patches: layout.scratchOffsets[position].map { (arena + $0).assumingMemoryBound(to: Float.self) })
            {
                append(kernel, name: node.operation.name, shape: tensors[node.outputs[0]].shape)
            }
        }
        for index in outputIndices {
            let buffer = UnsafeMutableRawBufferPointer(
                start: allocate(bytes: tensors[index].byteCount),
                count: tensors[index].byteCount)
            outputBuffers.append(buffer)
            append(
                OutputConversion(source: stored(index), destination: buffer, threads: pool.threads),
                name: "output conversion", shape: tensors[index].shape)
        }
    }

    private func append(_ kernel: any CPUKernel, name: String, shape: [Int]) {
        kernels.append(kernel)
        kernelNames.append(Self.kernelName(name, kernel, shape: shape))
    }

    /// The tensors no kernel stores, which get no arena storage: depthwise outputs packed straight into the next
    /// convolution's rows, and inputs gathered from the caller's bytes (in SSD MobileNet, 2.2 MB of a 6.5 MB arena,
    /// never written).
    func unstoredTensors() -> Set<Int> {
        unstoredTensors(gatheredAsBytes: inputsGatheredAsBytes(), packing: depthwisePackingPairs())
    }

    /// `unstoredTensors()` from the two findings `plan` already has at hand.
    private func unstoredTensors(gatheredAsBytes: Set<Int>, packing: [Int: Int]) -> Set<Int> {
        gatheredAsBytes.union(packing.keys.map { graph.nodes[$0].outputs[0] })
    }

    /// Whether `node` is a convolution for the 8-bit kernel: quantized input, filter and output, and a depth
    /// below `IntegerGEMM.depthBound`.
    func runsOnIntegers(_ node: Node) -> Bool {
        guard kernel != nil, case .conv2D = node.operation else { return false }
        let filter = graph.tensors[node.inputs[1]].shape
        return isQuantized(node) && filter.dropFirst().reduce(1, *) < IntegerGEMM.depthBound
    }

    /// Whether a convolution's input, filter and output are all quantized: its output stage is then TFLite's
    /// integer one wherever an 8-bit variant runs.
    func isQuantized(_ node: Node) -> Bool {
        node.inputs.prefix(2).allSatisfy { graph.tensors[$0].quantization != nil }
            && graph.tensors[node.outputs[0]].quantization != nil
    }

    /// One scratch for the largest 8-bit convolution (they run one after another).
    private func allocateIntegerScratch() {
        guard let kernel else { return }
        var bytes = 0, rows = 0
        for node in graph.nodes where runsOnIntegers(node) {
            let output = graph.tensors[node.outputs[0]].shape, filter = graph.tensors[node.inputs[1]].shape
            let m = output[0] * output[1] * output[2]
            bytes = max(
                bytes, qgemm_packed_activations_size(kernel, Int32(m), Int32(filter[1] * filter[2] * filter[3])))
            rows = max(rows, m)
        }
        guard rows > 0 else { return }
        integerActivations = allocate(bytes: bytes)
        integerRowTerms = allocate(bytes: rows * 4).bindMemory(to: Int32.self, capacity: rows)
    }

    /// The 8-bit form of the quantized convolution at `position` (its filter packed, its zero points folded into
    /// terms), built on first use: by the convolution itself or by the depthwise one that packs for it.
    private func integerGEMM(at position: Int, packing: [Int: Int], kernel: qgemm_isa) -> IntegerGEMM {
        if let built = integerGEMMs[position] { return built }
        let node = graph.nodes[position]
        guard case .conv2D(let parameters) = node.operation else { preconditionFailure("not a convolution") }
        let input = graph.tensors[node.inputs[0]].shape, filter = graph.tensors[node.inputs[1]]
        let (filterHeight, filterWidth) = (filter.shape[1], filter.shape[2])
        let window =
            Convolution.isPointwise(window: parameters.window, filterHeight: filterHeight, filterWidth: filterWidth)
            ? nil
            : qgemm_window(
                input: input, window: parameters.window,
                geometry: parameters.window.geometry(
                    inputHeight: input[1], inputWidth: input[2], filterHeight: filterHeight, filterWidth: filterWidth)!,
                filterHeight: filterHeight, filterWidth: filterWidth)
        let inputZeroPoint = graph.tensors[node.inputs[0]].quantization!.zeroPoint
        let filterZeroPoint = filter.quantization!.zeroPoint
        let (columns, depth) = (filter.shape[0], filter.elementCount / filter.shape[0])
        let weights = filter.constantValues(UInt8.self)
        let packed = allocate(bytes: qgemm_packed_weights_size(kernel, Int32(columns), Int32(depth)))
        qgemm_pack_weights(kernel, Int32(columns), Int32(depth), weights, packed)
        let columnTerms = allocate(bytes: columns * 4).bindMemory(to: Int32.self, capacity: columns)
        // The bias joins the column terms: the GEMM requantizes its tiles itself.
        let bias = node.inputs.count > 2 ? graph.tensors[node.inputs[2]].constantValues(Int32.self) : nil
        for column in 0..<columns {
            // Wrapping, as the kernels' int32 sums and TFLite's: a model's bias is any int32.
            let sum = weights[(column * depth)..<((column + 1) * depth)].reduce(Int32(0)) { $0 &+ Int32($1) }
            columnTerms[column] =
                (bias?[column] ?? 0) &- inputZeroPoint &* sum &+ Int32(depth) &* inputZeroPoint
                &* filterZeroPoint
        }
        let built = IntegerGEMM(
            kernel: kernel, packedWeights: packed, columnTerms: columnTerms, rowSumScale: 128 - filterZeroPoint,
            inputZeroPoint: Float(inputZeroPoint), window: window, packedByProducer: packing.values.contains(position),
            inputBytes: inputBytes[node.inputs[0]], activations: integerActivations!,
            rowTerms: integerRowTerms!)
        integerGEMMs[position] = built
        return built
    }

    private func makeKernel(
        _ node: Node, at position: Int, packing: [Int: Int], stored: (Int) -> StoredTensor,
        patches: UnsafeMutablePointer<Float>?
    ) -> (any CPUKernel)? {
        let tensors = graph.tensors
        let input = stored(node.inputs[0]), output = stored(node.outputs[0])
        switch node.operation {
        case .conv2D(let parameters):
            let filter = tensors[node.inputs[1]]
            let geometry = parameters.window.geometry(
                inputHeight: input.shape[1], inputWidth: input.shape[2],
                filterHeight: filter.shape[1], filterWidth: filter.shape[2])!
            let stage = requantizer(node, input: input, output: output, activation: parameters.activation)
            let arithmetic: Convolution.Arithmetic
            if let kernel, runsOnIntegers(node) {
                arithmetic = .integer(integerGEMM(at: position, packing: packing, kernel: kernel))
            } else if let floatISA {
                arithmetic = .packed(
                    floatKernelPlan(
                        isa: floatISA, node: node, input: input, output: output, window: parameters.window,
                        geometry: geometry, requantizer: stage, depthwise: false))
            } else {
                arithmetic = .float(filter: allocateFloats(StoredValues.of(filter)))
            }
            return Convolution(
                input: input, output: output, arithmetic: arithmetic, patches: patches, window: parameters.window,
                geometry: geometry, filterHeight: filter.shape[1],
                filterWidth: filter.shape[2], requantizer: stage, threads: pool.threads)
        case .depthwiseConv2D(let parameters):
            let filter = tensors[node.inputs[1]]
            let geometry = parameters.window.geometry(
                inputHeight: input.shape[1], inputWidth: input.shape[2],
                filterHeight: filter.shape[1], filterWidth: filter.shape[2])!
            let stage = requantizer(node, input: input, output: output, activation: parameters.activation)
            var plan: FloatKernelPlan?
            // Not for an integer output stage: that runs on the 8-bit depthwise kernel (multiplier 1, at most 256
            // taps) or else on DepthwiseConvolution's Swift loops.
            var integer = false
            if case .integer = stage { integer = true }
            if let floatISA, parameters.depthMultiplier == 1, !integer {
                plan = floatKernelPlan(
                    isa: floatISA, node: node, input: input, output: output, window: parameters.window,
                    geometry: geometry, requantizer: stage, depthwise: true)
            }
            let packedOutput = packing[position].map {
                integerGEMM(at: $0, packing: packing, kernel: kernel!)
            }
            return DepthwiseConvolution(
                input: input, output: output,
                filter: allocateFloats(StoredValues.of(filter)), window: parameters.window, geometry: geometry,
                filterHeight: filter.shape[1], filterWidth: filter.shape[2],
                depthMultiplier: parameters.depthMultiplier, requantizer: stage, plan: plan,
                packedOutput: packedOutput, threads: pool.threads)
        case .averagePool2D(let parameters), .maxPool2D(let parameters):
            let geometry = parameters.window.geometry(
                inputHeight: input.shape[1], inputWidth: input.shape[2],
                filterHeight: parameters.filterHeight, filterWidth: parameters.filterWidth)!
            var average = false
            if case .averagePool2D = node.operation { average = true }
            return Pooling(input: input, output: output, parameters: parameters, geometry: geometry, average: average)
        case .reshape:
            return nil
        case .concatenation(let axis, let activation):
            return Concatenation(
                inputs: node.inputs.map(stored), output: output, axis: axis, activation: activation,
                threads: pool.threads)
        case .add, .sub, .mul:
            let (arithmetic, activation) = node.operation.elementwiseArithmetic!
            return Arithmetic(
                left: input, right: stored(node.inputs[1]), output: output, arithmetic: arithmetic,
                activation: activation)
        case .softmax(let beta):
            return Softmax(input: input, output: output, beta: beta, threads: pool.threads)
        case .slice(let begin, _):
            return Slice(input: input, output: output, begin: begin)
        case .logistic, .relu, .relu6, .exp, .quantize, .dequantize:
            return UnaryMap(
                input: input, output: output, function: StoredValues.realFunction(of: node.operation)!,
                threads: pool.threads)
        case .custom: preconditionFailure("custom ops are refused by prepare")
        }
    }

    /// The output stage of a convolution node: TFLite's multiplier, the bias, the activation's clamp. In integers
    /// (bit-exact with TFLite) where the 8-bit kernels run, else in float.
    private func requantizer(_ node: Node, input: StoredTensor, output: StoredTensor, activation: FusedActivation)
        -> Requantizer
    {
        let tensors = graph.tensors
        let channels = output.shape[3]
        let hasBias = node.inputs.count > 2
        guard let inputQ = input.quantization, let filterQ = tensors[node.inputs[1]].quantization,
            let outputQ = output.quantization
        else {
            let bias = allocateFloats(
                hasBias
                    ? StoredValues.of(tensors[node.inputs[2]]) : [Float](repeating: 0, count: channels))
            return .float(.init(bias: bias, channels: channels, range: output.range(activation)))
        }
        // TFLite multiplies the two scales in float, then divides in double (GetQuantizedConvolutionMultipler).
        let real = Double(inputQ.scale * filterQ.scale) / Double(outputQ.scale)
        let rawBias =
            hasBias ? tensors[node.inputs[2]].constantValues(Int32.self) : [Int32](repeating: 0, count: channels)
        if let kernel {
            let bias = allocate(bytes: channels * 4).bindMemory(to: Int32.self, capacity: channels)
            bias.update(from: rawBias, count: channels)
            return .integer(
                .init(
                    kernel: kernel, bias: bias, channels: channels, multiplier: QuantizedMultiplier(real),
                    zeroPoint: outputQ.zeroPoint, range: outputQ.activationRange(activation)))
        }
        return .imitated(
            .init(
                real: real, bias: allocateFloats(rawBias.map { Float($0) }), channels: channels,
                range: output.range(activation)))
    }
}
