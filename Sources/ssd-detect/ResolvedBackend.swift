import CPUBackend
import CUDABackend
import Engine
import Foundation
import RemoteBackend
import SSD

/// A `--backend` choice resolved once, at the start of a command: which backend runs, and what to say of it. The
/// accelerator is probed (driver, device, NVRTC) here and nowhere else; the commands, the server's workers and the
/// reports take this value.
struct ResolvedBackend: Sendable {
    enum Kind: String, Sendable {
        case cpu, accelerator, reference, remote
    }

    let kind: Kind
    /// What quantized convolutions run on (CPU only); nil: `SSD_CPU_ISA`, else the CPU's best.
    let instructionSet: CPUInstructionSet?
    /// The accelerator's device, when one was probed and works.
    let device: CUDABackend.Device?
    /// Why `auto` chose this backend; nil when it was named.
    let reason: String?
    /// The remotes, for `remote`: one client for the whole process, so that breakers and counts are shared.
    var remote: RemoteClient? = nil

    /// The name in reports, logs and JSON: "cpu", "accelerator", "reference" or "remote".
    var name: String { kind.rawValue }

    /// A new backend of this kind (each detector makes its own).
    func makeBackend() -> any Backend {
        switch kind {
        case .cpu: CPUBackend(instructionSet: instructionSet)
        case .accelerator: CUDABackend()
        case .reference: ReferenceBackend()
        case .remote: RemoteBackend(client: remote!, fallback: CPUBackend(instructionSet: instructionSet))
        }
    }

    /// The instruction set quantized convolutions run on, for reports: nil off the CPU, or where preparing will
    /// refuse the one asked for. `quantized`: whether the model has quantized convolutions (a float model runs
    /// float whatever the choice).
    func instructions(quantized: Bool = true) -> CPUInstructionSet? {
        guard kind == .cpu else { return nil }
        return quantized ? try? CPUInstructionSet.resolve(instructionSet) : .float
    }

    /// What runs, for tables and logs: "cpu (int8 AVX-512 VNNI, 2 threads)", "accelerator (CUDA, NVIDIA H100)".
    /// `quantized`: as for `instructions(quantized:)`.
    func detail(threads: Int, quantized: Bool = true) -> String {
        let threadCount = "\(threads) thread\(threads == 1 ? "" : "s")"
        switch kind {
        case .cpu:
            if let instructions = instructions(quantized: quantized), instructions != .float {
                return "cpu (int8 \(instructions.displayName), \(threadCount))"
            }
            return "cpu (float, \(CPUBackend.floatKernelName), \(threadCount))"
        case .accelerator: return "accelerator (CUDA" + (device.map { ", \($0.name)" } ?? "") + ")"
        case .reference: return "reference (1 thread)"
        case .remote:
            let endpoints = remote?.configuration.endpoints.joined(separator: ", ") ?? ""
            return "remote (KServe v2: \(endpoints); local fallback on \(threadCount))"
        }
    }
}

extension BackendChoice {
    /// What runs for this choice here; `all` is bench's and resolves as `cpu` (bench lists the backends itself).
    /// `remote`: the --remote flags, which `remote` needs, for `model`.
    func resolve(
        instructionSet: CPUInstructionSet? = nil, remote: RemoteOptions? = nil, model: ModelManifest? = nil
    ) throws -> ResolvedBackend {
        func resolved(_ kind: ResolvedBackend.Kind, device: CUDABackend.Device? = nil, reason: String? = nil)
            -> ResolvedBackend
        {
            ResolvedBackend(kind: kind, instructionSet: instructionSet, device: device, reason: reason)
        }
        switch self {
        case .cpu, .all: return resolved(.cpu)
        case .reference: return resolved(.reference)
        case .remote:
            var backend = resolved(.remote)
            backend.remote = try (remote ?? RemoteOptions()).client(model: model)
            return backend
        case .accelerator:
            // A failed probe is not an error yet: preparing the model reports it, typed, with the same reason.
            return resolved(.accelerator, device: try? CUDABackend().probe().get())
        case .auto:
            switch CUDABackend().probe() {
            case .success(let device):
                return resolved(.accelerator, device: device, reason: "CUDA device \(device.name)")
            case .failure(let error): return resolved(.cpu, reason: "no accelerator: \(error)")
            }
        }
    }
}
