import ArgumentParser
import CPUBackend
import Engine

/// The `--backend` flag.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// OpenBLAS and SIMD kernels.
    case cpu
    /// The plain-loop oracle (slow; for checking).
    case reference

    var backend: any Backend {
        switch self {
        case .cpu: CPUBackend()
        case .reference: ReferenceBackend()
        }
    }

    /// What runs, for tables and logs.
    func detail(threads: Int) -> String {
        switch self {
        case .cpu: "cpu (OpenBLAS \(CPUBackend.blasCore), \(threads) thread\(threads == 1 ? "" : "s"))"
        case .reference: "reference (1 thread)"
        }
    }
}
