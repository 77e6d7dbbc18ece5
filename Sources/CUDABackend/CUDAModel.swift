import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// A graph planned on a CUDA device: one arena of device memory, weights uploaded, and one CUDA graph that copies
/// the pinned input in, runs every kernel and copies the pinned outputs back.
final class CUDAModel: PreparedModel {
    let graph: Graph
    let inputIndices: [Int]
    let outputIndices: [Int]
    let device: CUDABackend.Device
    private let driver: CUDADriver
    private var context: CUhandle = nil
    private var module: CUhandle = nil
    private var stream: CUhandle = nil
    private var cudaGraph: CUhandle = nil
    private var executable: CUhandle = nil
    private var deviceAllocations: [CUdeviceptr] = []
    private var hostAllocations: [UnsafeMutableRawPointer] = []
    private var inputBuffers: [UnsafeMutableRawBufferPointer] = []
    private var outputBuffers: [UnsafeMutableRawBufferPointer] = []
    private var functions: [String: CUhandle] = [:]
    private var launches: [KernelLaunch] = []

    init(
        graph: Graph, extraOutputs: [Int], driver: CUDADriver, compiler: NVRTC, device: CUDABackend.Device,
        ordinal: Int32
    ) throws(CUDAError) {
        self.graph = graph
        self.driver = driver
        self.device = device
        inputIndices = graph.inputs
        outputIndices = graph.outputs + extraOutputs
        try driver.check(driver.cuDevicePrimaryCtxRetain(&context, ordinal), "cuDevicePrimaryCtxRetain")
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
        let ptx = try compiler.compile(
            CUDAKernels.source, name: "ssd_kernels.cu", major: device.computeCapability.major,
            minor: device.computeCapability.minor)
        var loaded: CUhandle = nil
        let status = ptx.withUnsafeBytes { driver.cuModuleLoadData(&loaded, $0.baseAddress!) }
        try driver.check(status, "cuModuleLoadData")
        module = loaded
        for name in CUDAKernels.names {
            var function: CUhandle = nil
            try driver.check(driver.cuModuleGetFunction(&function, module, name), "cuModuleGetFunction(\(name))")
            functions[name] = function
        }
        try driver.check(driver.cuStreamCreate(&stream, 1), "cuStreamCreate")  // CU_STREAM_NON_BLOCKING
        try plan()
    }

    deinit {
        _ = driver.cuCtxSetCurrent(context)
        if executable != nil { _ = driver.cuGraphExecDestroy(executable) }
        if cudaGraph != nil { _ = driver.cuGraphDestroy(cudaGraph) }
        if stream != nil { _ = driver.cuStreamDestroy(stream) }
        for pointer in deviceAllocations { _ = driver.cuMemFree(pointer) }
        for pointer in hostAllocations { _ = driver.cuMemFreeHost(pointer) }
    }

    func input(_ position: Int) -> UnsafeMutableRawBufferPointer { inputBuffers[position] }

    func output(_ position: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(outputBuffers[position]) }

    func run() throws(RunError) {
        do { try launch() } catch { throw RunError(error.description) }
    }

    /// One replay of the captured inference.
    func launch() throws(CUDAError) {
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
        try driver.check(driver.cuGraphLaunch(executable, stream), "cuGraphLaunch")
        try driver.check(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    }

    // MARK: Planning

    private func deviceMemory(bytes: Int) throws(CUDAError) -> CUdeviceptr {
        var pointer: CUdeviceptr = 0
        try driver.check(driver.cuMemAlloc(&pointer, max(bytes, 4)), "cuMemAlloc(\(bytes))")
        deviceAllocations.append(pointer)
        return pointer
    }

    func uploadTable(_ values: [Float]) throws(CUDAError) -> CUdeviceptr { try upload(values) }

    func uploadIntegers(_ values: [Int32]) throws(CUDAError) -> CUdeviceptr { try upload(values) }

    private func upload<T>(_ values: [T]) throws(CUDAError) -> CUdeviceptr {
        let bytes = values.count * MemoryLayout<T>.stride
        let pointer = try deviceMemory(bytes: bytes)
        guard bytes > 0 else { return pointer }
        let status = values.withUnsafeBytes { driver.cuMemcpyHtoD(pointer, $0.baseAddress!, bytes) }
        try driver.check(status, "cuMemcpyHtoD")
        return pointer
    }

    private func pinned(bytes: Int) throws(CUDAError) -> UnsafeMutableRawBufferPointer {
        var pointer: UnsafeMutableRawPointer?
        try driver.check(driver.cuMemAllocHost(&pointer, max(bytes, 1)), "cuMemAllocHost(\(bytes))")
        hostAllocations.append(pointer!)
        pointer!.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
        return UnsafeMutableRawBufferPointer(start: pointer, count: bytes)
    }

    func addLaunch(_ name: String, elements: Int, _ build: (KernelArguments) -> Void) {
        let arguments = KernelArguments()
        build(arguments)
        launches.append(KernelLaunch(function: functions[name]!, name: name, elements: elements, arguments: arguments))
    }

    /// Lays out device memory, uploads the constants, plans the launches, and captures them as a CUDA graph.
    private func plan() throws(CUDAError) {
        let tensors = graph.tensors
        let layout = ArenaLayout(graph: graph, outputs: outputIndices, elementSize: 4)
        let arena = try deviceMemory(bytes: layout.size)
        var constants: [Int: CUdeviceptr] = [:]
        for index in layout.constantsReadAsData { constants[index] = try uploadTable(StoredValues.of(tensors[index])) }
        func address(_ index: Int) -> CUdeviceptr {
            constants[layout.storageRoot[index]] ?? arena + CUdeviceptr(layout.offset(of: index)!)
        }

        var rawInputs: [(host: UnsafeMutableRawBufferPointer, device: CUdeviceptr, tensor: Int)] = []
        for index in inputIndices {
            let buffer = try pinned(bytes: tensors[index].byteCount)
            inputBuffers.append(buffer)
            let raw = tensors[index].dataType == .float32 ? address(index) : try deviceMemory(bytes: buffer.count)
            rawInputs.append((buffer, raw, index))
            if tensors[index].dataType != .float32 {
                addLaunch("input_u8", elements: tensors[index].elementCount) {
                    $0.add(device: raw); $0.add(device: address(index)); $0.add(Int32(tensors[index].elementCount))
                    $0.add(Float(tensors[index].quantization?.zeroPoint ?? 0))
                }
            }
        }
        for node in graph.nodes { try planNode(node, address: address) }
        var rawOutputs: [(host: UnsafeMutableRawBufferPointer, device: CUdeviceptr)] = []
        for index in outputIndices {
            let buffer = try pinned(bytes: tensors[index].byteCount)
            outputBuffers.append(buffer)
            if tensors[index].dataType == .float32 {
                rawOutputs.append((buffer, address(index)))
            } else {
                let raw = try deviceMemory(bytes: buffer.count)
                rawOutputs.append((buffer, raw))
                addLaunch("output_u8", elements: tensors[index].elementCount) {
                    $0.add(device: address(index)); $0.add(device: raw); $0.add(Int32(tensors[index].elementCount))
                    $0.add(Float(tensors[index].quantization?.zeroPoint ?? 0))
                }
            }
        }
        try capture(inputs: rawInputs.map { ($0.host, $0.device) }, outputs: rawOutputs)
    }

    /// Records copies and launches on the stream and instantiates them as one executable graph.
    private func capture(
        inputs: [(UnsafeMutableRawBufferPointer, CUdeviceptr)],
        outputs: [(UnsafeMutableRawBufferPointer, CUdeviceptr)]
    ) throws(CUDAError) {
        try driver.check(driver.cuStreamBeginCapture(stream, 2), "cuStreamBeginCapture")  // relaxed mode
        for (host, device) in inputs {
            try driver.check(
                driver.cuMemcpyHtoDAsync(device, host.baseAddress!, host.count, stream), "cuMemcpyHtoDAsync")
        }
        for launch in launches {
            var pointers = launch.arguments.pointers
            try driver.check(
                driver.cuLaunchKernel(
                    launch.function, launch.blocks, 1, 1,
                    UInt32(KernelLaunch.threadsPerBlock), 1, 1, 0, stream, &pointers, nil),
                "cuLaunchKernel(\(launch.name))")
        }
        for (host, device) in outputs {
            try driver.check(
                driver.cuMemcpyDtoHAsync(host.baseAddress!, device, host.count, stream), "cuMemcpyDtoHAsync")
        }
        try driver.check(driver.cuStreamEndCapture(stream, &cudaGraph), "cuStreamEndCapture")
        try driver.check(driver.cuGraphInstantiateWithFlags(&executable, cudaGraph, 0), "cuGraphInstantiate")
    }
}
