import ArgumentParser

/// The `--backend` flag, as typed; `resolve()` turns it into what runs, once per command.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    /// Our own float kernels (OpenBLAS where the CPU lacks AVX2), the 8-bit kernel, and SIMD kernels.
    case cpu
    /// The CUDA backend; start-up fails, saying why, where none works.
    case accelerator
    /// The accelerator when one works, else the CPU.
    case auto
    /// A remote KServe v2 server (`--remote`), falling back to the CPU.
    case remote
    /// The plain-loop oracle (slow; for checking).
    case reference
    /// `bench` only: every backend that works here, side by side.
    case all
}
