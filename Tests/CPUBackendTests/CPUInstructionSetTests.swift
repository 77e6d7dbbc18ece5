import CPUBackend
import Engine
import Testing

/// The pick of an 8-bit variant: the CPU's best by default, `SSD_CPU_ISA` or the caller overriding it, and a typed
/// refusal (not SIGILL) of one this CPU lacks.
struct CPUInstructionSetTests {
    @Test func theBestIsSupported() throws {
        #expect(CPUInstructionSet.best.isSupported)
        #expect(try CPUInstructionSet.resolve(nil, environment: nil) == CPUInstructionSet.best)
        #expect(try CPUInstructionSet.resolve(nil, environment: "") == CPUInstructionSet.best)
    }

    @Test(arguments: InstructionSets.supported + [.float])
    func theEnvironmentPicksAnySupportedVariant(_ instructionSet: CPUInstructionSet) throws {
        #expect(try CPUInstructionSet.resolve(nil, environment: instructionSet.rawValue) == instructionSet)
        // A variant the caller names wins over the environment's.
        #expect(try CPUInstructionSet.resolve(instructionSet, environment: "float") == instructionSet)
    }

    @Test func anUnknownNameIsRefused() {
        #expect(throws: ModelError.self) { try CPUInstructionSet.resolve(nil, environment: "avx10") }
    }

    /// Prints each variant this CPU lacks, whose bit-exactness tests therefore do not run here, and checks that
    /// asking for it fails with its name.
    @Test func variantsThisCPULacksAreNamedAndRefused() throws {
        for instructionSet in InstructionSets.unsupported {
            print("CPUBackendTests: this CPU lacks \(instructionSet.displayName); its bit-exactness tests do not run")
            let error = #expect(throws: ModelError.self) {
                try CPUInstructionSet.resolve(nil, environment: instructionSet.rawValue)
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains(instructionSet.displayName))
            var g = TestGraphs(seed: 1)
            let graph = TestGraphs.graph(.relu, inputs: [g.float("x", [4])], output: g.float("y", [4]))
            #expect(throws: ModelError.self) {
                try CPUBackend(instructionSet: instructionSet).prepare(graph, options: BackendOptions())
            }
        }
        print("CPUBackendTests: 8-bit variants tested here: \(InstructionSets.supported.map(\.displayName))")
    }
}
