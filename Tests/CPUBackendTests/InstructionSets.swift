import CPUBackend

/// The 8-bit variants, split by whether this CPU runs them: bit-exactness tests take the supported ones as
/// arguments, and CPUInstructionSetTests names the others, so that no variant goes untested unsaid.
enum InstructionSets {
    static let integer = CPUInstructionSet.allCases.filter { $0 != .float }
    static let supported = integer.filter(\.isSupported)
    static let unsupported = integer.filter { !$0.isSupported }
}
