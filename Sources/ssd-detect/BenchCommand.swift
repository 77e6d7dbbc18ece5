import ArgumentParser
import CPUBackend
import Engine
import Foundation

/// `ssd-detect bench`: engine latency of one model on one backend.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the network: load + plan, first inference, p50/p90/p99/min latency, images/s, peak RSS.")

    @Option(help: "A .tflite file or a folder holding one (default: the fetched default model).")
    var model: String?

    @Option(help: "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: BackendChoice = .cpu

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Timed inferences after the first.")
    var iterations = 100

    @Flag(help: "Run quantized convolutions on float SGEMM even where the 8-bit kernel would (for comparison).")
    var floatConvolutions = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let path = try ModelLocation.resolve(model)
        let clock = ContinuousClock()
        let loadStart = clock.now
        let (network, _) = try TFLiteLoader.load(contentsOf: path).splittingCustomTail()
        let threadCount = threads ?? CPUBackend.availableCores
        let prepared = try backend.backend(floatConvolutions: floatConvolutions)
            .prepare(network, options: BackendOptions(threads: threadCount))
        let loadAndPlan = clock.now - loadStart

        Self.fillWithNoise(prepared)
        let first = try clock.measure { try prepared.run() }
        var samples: [Duration] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations { samples.append(try clock.measure { try prepared.run() }) }
        let report = BenchReport(model: (path as NSString).lastPathComponent, backend: backend.rawValue,
            detail: backend.detail(threads: threadCount, floatConvolutions: floatConvolutions), threads: threadCount, iterations: iterations,
            loadAndPlan: loadAndPlan, first: first, samples: samples, peakResidentBytes: Self.peakResidentBytes())
        print(json ? report.json : report.table)
    }

    /// Deterministic noise in every input (TFLite's own benchmark feeds noise too): a multiplicative hash of the
    /// element index, the same on every run.
    static func fillWithNoise(_ model: any PreparedModel) {
        func noise(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: (UInt32(truncatingIfNeeded: i) &* 2_654_435_761) >> 24) }
        for position in model.inputIndices.indices {
            let buffer = model.input(position)
            if model.inputTensor(position).dataType == .float32 {
                for i in 0..<(buffer.count / 4) {
                    buffer.storeBytes(of: Float(noise(i)) / 127.5 - 1, toByteOffset: i * 4, as: Float.self)
                }
            } else {
                for i in 0..<buffer.count { buffer[i] = noise(i) }
            }
        }
    }

    /// The process's peak resident set so far.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    }
}
