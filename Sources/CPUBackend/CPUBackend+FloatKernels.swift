extension CPUBackend {
    /// Which kernels a model's float convolutions get: what the CPU and SSD_CPU_ISA select, or (for tests) one
    /// variant, or OpenBLAS as on a CPU without AVX2.
    enum FloatKernels: Sendable, Equatable {
        case selected
        case variant(FloatKernelISA)
        case openBLAS

        var isa: FloatKernelISA? {
            switch self {
            case .selected: FloatKernelISA.selected
            case .variant(let isa): isa
            case .openBLAS: nil
            }
        }
    }

    /// The float convolution kernels this CPU runs, for tables and logs: "AVX-512 kernels", "AVX2 kernels" (also
    /// where SSD_CPU_ISA=avx2 asks for them), or "OpenBLAS Haswell" (its core) where it has neither.
    public static var floatKernelName: String {
        switch FloatKernelISA.selected {
        case .avx512: "AVX-512 kernels"
        case .avx2: "AVX2 kernels"
        case nil: "OpenBLAS \(blasCore)"
        }
    }
}
