import ArgumentParser
import CPUBackend
import CUDABackend
import Engine

/// The `--backend` flag.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// OpenBLAS and SIMD kernels.
    case cpu
    /// The CUDA backend; start-up fails, saying why, where none works.
    case accelerator
    /// The accelerator when one works, else the CPU.
    case auto
    /// The plain-loop oracle (slow; for checking).
    case reference
    /// `bench` only: every backend that works here, side by side.
    case all

    /// What `auto` resolves to on this machine, and why.
    static var automatic: (choice: BackendChoice, reason: String) {
        switch CUDABackend().probe() {
        case .success(let device): (.accelerator, "CUDA device \(device.name)")
        case .failure(let error): (.cpu, "no accelerator: \(error)")
        }
    }

    /// `auto` resolved; the others as they are.
    var resolved: BackendChoice { self == .auto ? Self.automatic.choice : self }

    /// The backend; `floatConvolutions` keeps quantized convolutions on float SGEMM on the CPU.
    func backend(floatConvolutions: Bool = false) -> any Backend {
        switch resolved {
        case .cpu, .auto, .all: CPUBackend(integerArithmetic: !floatConvolutions)
        case .accelerator: CUDABackend()
        case .reference: ReferenceBackend()
        }
    }

    /// What runs, for tables and logs.
    func detail(threads: Int, floatConvolutions: Bool = false) -> String {
        let threadCount = "\(threads) thread\(threads == 1 ? "" : "s")"
        switch resolved {
        case .cpu where CPUBackend.hasIntegerKernel && !floatConvolutions:
            return "cpu (int8 AVX-512 VNNI, \(threadCount))"
        case .cpu, .auto, .all: return "cpu (float, OpenBLAS \(CPUBackend.blasCore), \(threadCount))"
        case .accelerator:
            if case .success(let device) = CUDABackend().probe() { return "cuda (\(device.name))" }
            return "cuda"
        case .reference: return "reference (1 thread)"
        }
    }
}
