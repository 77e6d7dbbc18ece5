import COpenBLAS
import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// The CPU backend: convolutions on its own float kernels (CFloatKernels; OpenBLAS SGEMM on CPUs without AVX2) or
/// the 8-bit one, element-wise work in Swift SIMD, all intermediates in one arena planned at load.
///
/// Quantized convolutions run on an 8-bit integer GEMM (CQuantizedGEMM, one kernel per `CPUInstructionSet`) with
/// TFLite's integer requantization, bit-exact with its reference kernels. With `.float`, they run on the float
/// kernels with that requantization imitated: stored values are still the exact integers TFLite computes with,
/// and results differ only where a float rounding lands on the other side of .5 (measured: docs/PERFORMANCE.md).
public struct CPUBackend: Backend {
    /// "cpu", as flags and tables spell it.
    public let name = "cpu"
    /// What quantized convolutions run on; nil: `SSD_CPU_ISA`, else the CPU's best (`CPUInstructionSet.resolve`).
    public let instructionSet: CPUInstructionSet?

    /// Which float convolution kernels models get; tests pick each variant.
    var floatKernels = FloatKernels.selected

    /// `instructionSet: .float` keeps quantized convolutions on the float kernels (for comparison and tests); a
    /// variant this CPU lacks makes `prepare` throw.
    public init(instructionSet: CPUInstructionSet? = nil) { self.instructionSet = instructionSet }

    /// The OpenBLAS kernel family picked for this CPU (e.g. "Haswell", "SkylakeX").
    public static var blasCore: String { String(cString: openblas_get_corename()) }

    /// Flags of the first processor in /proc/cpuinfo (empty where there is none).
    public static let cpuFlags: Set<String> = {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            return Set(text.split(separator: ":").last?.split(separator: " ").map { String($0).trimmingNewline } ?? [])
        }
        return []
    }()

    /// Why this build cannot run here: its kernels were compiled for AVX2 + FMA (see Package.swift).
    public static var unavailableReason: String? {
        #if SSD_AVX2
            let missing = ["avx2", "fma"].filter { !cpuFlags.contains($0) }
            if !cpuFlags.isEmpty && !missing.isEmpty {
                return "this build's kernels need \(missing.joined(separator: " and ")), which this CPU lacks; "
                    + "rebuild with SSD_PORTABLE=1"
            }
        #endif
        return nil
    }

    /// Nil except for custom ops and pooling that changes the quantization.
    public func unsupportedReason(for node: Node, in graph: Graph) -> String? {
        StoredValues.unsupportedReason(for: node, in: graph)
    }

    /// Throws `.backendUnavailable` where this CPU lacks the build's instructions (`unavailableReason`) or the
    /// instruction set asked for. Warms up with one run, or up to 200 ms of runs with `options.thoroughWarmUp`.
    public func prepare(_ graph: Graph, options: BackendOptions) throws(ModelError) -> any PreparedModel {
        try options.validate()
        if let reason = Self.unavailableReason { throw .backendUnavailable(backend: name, reason: reason) }
        let instructions = try CPUInstructionSet.resolve(instructionSet)
        try checkSupport(graph)
        let model = CPUModel(
            graph: try graph.validated(), options: options, kernel: instructions.kernel, floatISA: floatKernels.isa)
        model.warmUp(thorough: options.thoroughWarmUp)
        return model
    }
}

extension String {
    fileprivate var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
