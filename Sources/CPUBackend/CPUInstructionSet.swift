import CQuantizedGEMM
import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// What a CPU backend's quantized convolutions run on: one of the 8-bit kernels, all bit-exact with TFLite's
/// reference kernels, or float SGEMM. Picked at run time from the CPU's features; `SSD_CPU_ISA` overrides the pick,
/// so that one machine can test and time every variant it has.
public enum CPUInstructionSet: String, CaseIterable, Sendable {
    /// OpenBLAS float SGEMM with TFLite's requantization imitated in float (every CPU).
    case float
    /// The 8-bit kernel on AVX2: 16-bit products summed in pairs (vpmaddwd).
    case avx2
    /// The 8-bit kernel on AVX-VNNI: vpdpbusd on 256-bit registers.
    case avxvnni
    /// The 8-bit kernel on AVX-512 VNNI: vpdpbusd on 512-bit registers.
    case avx512vnni
    /// The 8-bit kernel on AVX-512 without VNNI (AVX512BW: Skylake-SP servers): vpmaddwd on 512-bit registers.
    case avx512bw

    /// The environment variable that overrides the pick: `SSD_CPU_ISA=avx2|avx512bw|avxvnni|avx512vnni|float`.
    public static let environmentVariable = "SSD_CPU_ISA"

    /// The fastest this CPU runs: AVX-512 VNNI, then AVX-VNNI, then AVX-512BW, then AVX2, then float.
    public static let best = [avx512vnni, avxvnni, avx512bw, avx2].first(where: \.isSupported) ?? .float

    /// Whether this CPU runs it (float runs everywhere).
    public var isSupported: Bool { kernel.map { qgemm_supports($0) != 0 } ?? true }

    /// The name in tables and logs: "AVX-512 VNNI", "AVX-VNNI", "AVX-512BW", "AVX2", "float".
    public var displayName: String {
        switch self {
        case .float: "float"
        case .avx2: "AVX2"
        case .avxvnni: "AVX-VNNI"
        case .avx512vnni: "AVX-512 VNNI"
        case .avx512bw: "AVX-512BW"
        }
    }

    /// The C kernel's instruction set; nil for float.
    var kernel: qgemm_isa? {
        switch self {
        case .float: nil
        case .avx2: QGEMM_AVX2
        case .avxvnni: QGEMM_AVXVNNI
        case .avx512vnni: QGEMM_AVX512VNNI
        case .avx512bw: QGEMM_AVX512BW
        }
    }

    /// The variant a backend runs: `requested`, else `environment` (`SSD_CPU_ISA`'s value), else `best`. Throws,
    /// naming the variant, where the CPU lacks it (running it would end in SIGILL) or the value names none.
    public static func resolve(_ requested: Self?, environment: String? = environmentValue) throws(ModelError) -> Self {
        var choice = requested ?? .best
        var source = "requested"
        if requested == nil, let environment, !environment.isEmpty {
            guard let named = Self(rawValue: environment) else {
                let names = allCases.map(\.rawValue).joined(separator: ", ")
                throw .backendUnavailable(
                    backend: "cpu", reason: "\(environmentVariable)=\(environment) names none of \(names)")
            }
            choice = named
            source = "\(environmentVariable)=\(environment)"
        }
        guard choice.isSupported else {
            throw .backendUnavailable(
                backend: "cpu",
                reason: "\(source): this CPU lacks \(choice.displayName) (its best: \(best.displayName))")
        }
        return choice
    }

    /// `SSD_CPU_ISA`'s value in this process's environment.
    public static var environmentValue: String? { getenv(environmentVariable).map { String(cString: $0) } }
}
