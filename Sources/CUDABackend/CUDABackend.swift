import Engine

/// The accelerator backend: the network on an NVIDIA GPU through the CUDA driver API, with the driver and NVRTC
/// opened at run time (dlopen), so that the same binary builds and runs on machines without CUDA.
///
/// At `prepare`: kernels compiled once by NVRTC for the device found, device memory allocated once, weights
/// uploaded once, and the whole fixed-shape inference (input copy, kernels, output copy) captured as one CUDA
/// graph, replayed by `run`: the accelerator form of "hybridize". Quantized models run in float with TFLite's
/// requantization at each op's output, like the CPU backend.
public struct CUDABackend: Backend {
    /// "accelerator" (not "cuda"), as flags, tables and logs spell it.
    public let name = "accelerator"
    /// Which device (ordinal).
    public let deviceIndex: Int

    /// Opens nothing: the libraries and the device are looked for by `probe()` and `prepare`, which fail with
    /// `.noDevice` when `deviceIndex` is past the visible devices.
    public init(deviceIndex: Int = 0) { self.deviceIndex = deviceIndex }

    /// A usable device, or why there is none.
    public struct Device: Sendable, Equatable {
        /// The device's name as the driver reports it (`cuDeviceGetName`).
        public let name: String
        /// (major, minor): the SM version NVRTC compiles the kernels for (9.0 on an H100).
        public let computeCapability: (major: Int, minor: Int)
        /// The libcuda that was opened: a path, or the bare name the loader resolved.
        public let driverLibrary: String
        /// The NVRTC library that was opened: a path, or the bare name the loader resolved.
        public let compilerLibrary: String

        /// Field by field (the tuple rules out a synthesized `==`).
        public static func == (a: Device, b: Device) -> Bool {
            a.name == b.name && a.computeCapability == b.computeCapability && a.driverLibrary == b.driverLibrary
                && a.compilerLibrary == b.compilerLibrary
        }
    }

    /// Probes for the driver, NVRTC and a device; the error says what was looked for and why it failed.
    public func probe() -> Result<Device, CUDAError> {
        Result { () throws(CUDAError) in try open().device }
    }

    /// The driver, the compiler and the device, initialized.
    func open() throws(CUDAError) -> (driver: CUDADriver, compiler: NVRTC, device: Device, ordinal: Int32) {
        let driver = try CUDADriver()
        try driver.check(driver.cuInit(0), "cuInit")
        var count: Int32 = 0
        try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard count > deviceIndex else { throw .noDevice }
        var ordinal: Int32 = 0
        try driver.check(driver.cuDeviceGet(&ordinal, Int32(deviceIndex)), "cuDeviceGet")
        var name = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&name, 256, ordinal), "cuDeviceGetName")
        var major: Int32 = 0, minor: Int32 = 0
        // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75, _MINOR = 76
        try driver.check(driver.cuDeviceGetAttribute(&major, 75, ordinal), "cuDeviceGetAttribute")
        try driver.check(driver.cuDeviceGetAttribute(&minor, 76, ordinal), "cuDeviceGetAttribute")
        let compiler = try NVRTC()
        let device = Device(
            name: String(cString: name), computeCapability: (Int(major), Int(minor)),
            driverLibrary: driver.library.path, compilerLibrary: compiler.library.path)
        return (driver, compiler, device, ordinal)
    }

    /// Why NVRTC cannot be loaded from `folders` (nil when it can): for diagnostics and tests.
    public static func probeCompiler(folders: [String]) -> CUDAError? {
        do { _ = try NVRTC(folders: folders) } catch { return error }
        return nil
    }

    /// The kernels compiled to PTX for compute capability `major.minor`, when NVRTC can be found; nil otherwise.
    /// Needs no GPU.
    public static func compileKernels(major: Int, minor: Int) throws(CUDAError) -> String? {
        guard let compiler = try? NVRTC() else { return nil }
        let ptx = try compiler.compile(CUDAKernels.source, name: "ssd_kernels.cu", major: major, minor: minor)
        return String(cString: ptx)
    }

    /// Nil except for custom ops and pooling that changes the quantization (the CPU backend's rule).
    public func unsupportedReason(for node: Node, in graph: Graph) -> String? {
        switch node.operation {
        case .sub, .exp, .softmax, .slice:
            // Not written for the device yet: with no GPU to check them on, they run on the CPU backend only.
            "no CUDA kernel for \(node.operation.name) yet"
        default: StoredValues.unsupportedReason(for: node, in: graph)
        }
    }

    /// Any CUDA failure (no driver, no device, a compile error) throws `.backendUnavailable`; one warm-up replay,
    /// whatever `thoroughWarmUp`, and `threads` unused.
    public func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel {
        try options.validate()
        try checkSupport(graph)
        let validated = try graph.validated()
        do {
            let (driver, compiler, device, ordinal) = try open()
            let model = try CUDAModel(
                graph: validated, extraOutputs: options.extraOutputs, driver: driver,
                compiler: compiler, device: device, ordinal: ordinal)
            try model.launch()  // warm-up: the first replay uploads the graph to the device
            return model
        } catch {
            throw .backendUnavailable(backend: name, reason: error.description)
        }
    }
}
