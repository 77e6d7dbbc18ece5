import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// Runs libFuzzer on one test function, from a fuzz target's `main`.
///
/// SwiftPM gives every executable its own `main`, which hides libFuzzer's; `LLVMFuzzerRunDriver`, libFuzzer's entry
/// point for such programs, takes the command line and the test function instead.
public enum Fuzzer {
    /// The test of this process. libFuzzer calls it from one thread, through a C callback that cannot capture it.
    nonisolated(unsafe) private static var test: (UnsafeRawBufferPointer) throws -> Void = { _ in }
    /// `FUZZ_STRICT=1`: an input that throws is a failure, for checking that every seed parses
    /// (mutants are expected to throw; seeds that do would only fuzz the first check).
    private static let strict = getenv("FUZZ_STRICT").map { String(cString: $0) == "1" } ?? false

    /// Fuzzes `test` with libFuzzer's command line (corpus folders, `-max_total_time=`, files to rerun), then
    /// exits. An error thrown is a parser's correct answer to a bad input; a trap, a memory error, a leak or a
    /// hang is a bug.
    public static func run(_ test: @escaping (UnsafeRawBufferPointer) throws -> Void) -> Never {
        Self.test = test
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            do {
                try Fuzzer.test(UnsafeRawBufferPointer(start: data, count: size))
            } catch  where Fuzzer.strict {
                fatalError("FUZZ_STRICT: a \(size)-byte input threw: \(error)")
            } catch {}
            return 0
        }
        exit(status)
    }
}
