import ArgumentParser
import CPUBackend
import Engine

/// The `--backend` flag.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// OpenBLAS and SIMD kernels.
    case cpu
    /// The plain-loop oracle (slow; for checking).
    case reference

    /// The backend; `floatConvolutions` keeps quantized convolutions on float SGEMM on the CPU.
    func backend(floatConvolutions: Bool = false) -> any Backend {
        switch self {
        case .cpu: CPUBackend(integerArithmetic: !floatConvolutions)
        case .reference: ReferenceBackend()
        }
    }

    /// What runs, for tables and logs.
    func detail(threads: Int, floatConvolutions: Bool = false) -> String {
        let threadCount = "\(threads) thread\(threads == 1 ? "" : "s")"
        switch self {
        case .cpu where CPUBackend.hasIntegerKernel && !floatConvolutions:
            return "cpu (int8 AVX-512 VNNI, \(threadCount))"
        case .cpu: return "cpu (float, OpenBLAS \(CPUBackend.blasCore), \(threadCount))"
        case .reference: return "reference (1 thread)"
        }
    }
}
