import CFloatKernels

/// The instruction set CFloatKernels' variants are compiled for; the CPU backend's float convolutions run on the
/// one `selected` names, or on OpenBLAS where there is none.
enum FloatKernelISA: Int32, CaseIterable, CustomStringConvertible {
    case avx2 = 1
    case avx512 = 2

    /// The best variant this CPU runs, or AVX2 where SSD_CPU_ISA=avx2; nil where it has neither (OpenBLAS then).
    static var selected: FloatKernelISA? { FloatKernelISA(rawValue: fk_selected_isa()) }

    /// Whether this CPU runs the variant.
    var isSupported: Bool { fk_isa_supported(rawValue) != 0 }

    /// Output channels per packed panel (the vector width in floats).
    var panelWidth: Int { Int(fk_panel_width(rawValue)) }

    /// Output pixels per register tile of the convolution kernel (its indirection buffer's grouping).
    var tileRows: Int { Int(fk_tile_rows(rawValue)) }

    /// The variant's name in logs and reports.
    var description: String {
        switch self {
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}
