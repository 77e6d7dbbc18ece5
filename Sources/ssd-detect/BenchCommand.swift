import ArgumentParser
import CPUBackend
import Engine
import Foundation
import ImageIO
import SSD

/// `ssd-detect bench`: engine latency of one model on one backend.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the network: load + plan, first inference, p50/p90/p99/min latency, images/s, peak RSS.")

    @Option(
        help: "A catalog name (models/), a model folder, a model.json or a .tflite file (default: the default model).")
    var model: String?

    @Option(
        help:
            "Backend: \(BackendChoice.allCases.map(\.rawValue).joined(separator: ", ")) (all: one row per backend that works here)."
    )
    var backend: BackendChoice = .cpu

    @OptionGroup(title: "Remote backend")
    var remote: RemoteOptions

    @Option(help: "Worker threads, 1...\(BackendOptions.maximumThreads) (default: all cores).")
    var threads: Int?

    @Option(help: "Timed inferences after the first, 1...\(Self.maximumIterations).")
    var iterations = 100

    /// A bound on the samples kept (and on the run: 100,000 inferences are many minutes).
    static let maximumIterations = 100_000

    @Option(
        help:
            "A photo for the end-to-end time (decode, preprocess, network, postprocess); default: the fetched darknet_dog.jpg."
    )
    var image: String?

    @Flag(help: "Run quantized convolutions on the float kernels even where the 8-bit kernel would (for comparison).")
    var floatConvolutions = false

    @Flag(
        help:
            "Also time each step of an inference on its own (CPU backend): its p50 and minimum over the iterations, in order."
    )
    var kernels = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        try remote.validate(for: backend)
        guard (1...Self.maximumIterations).contains(iterations) else {
            throw ValidationError("--iterations must be between 1 and \(Self.maximumIterations), not \(iterations)")
        }
        try validateThreads(threads)
    }

    func run() throws {
        MallocTuning.apply()
        let manifest = try ModelLocation.resolve(model)
        let instructionSet: CPUInstructionSet? = floatConvolutions ? .float : nil
        var backends = [try backend.resolve(instructionSet: instructionSet, remote: remote, model: manifest)]
        if backend == .all {
            let accelerator = try BackendChoice.auto.resolve(instructionSet: instructionSet)
            if accelerator.kind == .accelerator {
                backends.append(accelerator)
            } else {
                printError("accelerator: not available (\(accelerator.reason ?? "unknown"))")
            }
        }
        let measured = try backends.map { try measure($0, manifest: manifest) }
        for backend in backends { if let statistics = backend.remote?.statistics { printError(statistics.summary) } }
        var reports = measured.map(\.report)
        guard reports.count > 1 else {
            print(json ? reports[0].json : reports[0].table)
            return
        }
        // Each backend's detections of the photo against the CPU's (the first), so that one run shows both how
        // fast and how faithful an accelerator is.
        if let baseline = measured[0].photoRun {
            for index in 1..<measured.count {
                guard let run = measured[index].photoRun else { continue }
                reports[index].agreement = try DetectorAgreement(
                    run.detector, against: baseline.detector,
                    image: run.image)
            }
        }
        print(json ? "[" + reports.map(\.json).joined(separator: ",") + "]" : BenchReport.comparison(reports))
        if reports.contains(where: { $0.agreement?.holds == false }) { throw ExitCode.failure }
    }

    /// A detector that has timed the end-to-end path, and the decoded photo it ran on.
    typealias PhotoRun = (detector: Detector, image: RGBImage)

    /// Loads, plans and times the model on one backend.
    func measure(_ backend: ResolvedBackend, manifest: ModelManifest) throws
        -> (report: BenchReport, photoRun: PhotoRun?)
    {
        let clock = ContinuousClock()
        let loadStart = clock.now
        let model = try SSDModel(manifest: manifest)
        let threadCount = threads ?? BackendOptions.defaultThreads
        let prepared = try backend.makeBackend().prepare(model.network, options: BackendOptions(threads: threadCount))
        let loadAndPlan = clock.now - loadStart

        Self.fillWithNoise(prepared)
        let first = try clock.measure { try prepared.run() }
        var samples: [Duration] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations { samples.append(try clock.measure { try prepared.run() }) }
        // Over the timed runs: a remote's round trip minus the compute time its worker reported.
        let remoteOverhead = backend.remote?.statistics.overheadQuantile(0.5)
        let postprocess = try Self.timePostprocess(model.postprocessor, on: prepared, iterations: iterations)
        // Read before the end-to-end part, whose photo decoding is not the network's.
        let peakResident = Self.peakResidentBytes()
        let endToEnd = try timeEndToEnd(model, prepared: prepared, hasPostprocess: model.postprocessor != nil)
        let quantized = model.network.nodes.contains { node in
            if case .conv2D = node.operation { return model.network.tensors[node.inputs[1]].quantization != nil }
            return false
        }
        var report = BenchReport(
            model: (manifest.modelFile as NSString).lastPathComponent, backend: backend.name,
            detail: backend.detail(threads: threadCount, quantized: quantized),
            instructionSet: backend.instructions(quantized: quantized)?.rawValue, threads: threadCount,
            iterations: iterations, loadAndPlan: loadAndPlan, first: first, samples: samples,
            peakResidentBytes: peakResident, postprocessFast: postprocess?.fast,
            postprocessRegular: postprocess?.regular, endToEnd: endToEnd?.milliseconds,
            photo: endToEnd.map { ($0.path as NSString).lastPathComponent },
            remoteOverhead: remoteOverhead.map { $0 * 1000 })
        if kernels {
            if let timing = prepared as? any KernelTiming {
                report.kernels = KernelTimes(timing: timing, iterations: iterations)
            } else {
                printError("--kernels: the \(backend.name) backend does not time its steps")
            }
        }
        return (report, endToEnd.map { ($0.detector, $0.image) })
    }

    /// Median time of a whole detection of the photo (file bytes in memory to detections), with the detector (on
    /// the network already prepared) and the photo; nil without a photo or without an SSD postprocess.
    func timeEndToEnd(_ model: SSDModel, prepared: any PreparedModel, hasPostprocess: Bool) throws
        -> (milliseconds: Double, detector: Detector, image: RGBImage, path: String)?
    {
        guard hasPostprocess, let photo = image ?? ModelLocation.checkoutPath(".assets/images/darknet_dog.jpg") else {
            return nil
        }
        let bytes = try DetectCommand.read(photo)
        let detector = try Detector(model: model, prepared: prepared)
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<max(iterations / 2, 10) {
            times.append(
                try clock.measure { _ = try detector.detect(try ImageDecoder().decode(bytes).image) }.milliseconds)
        }
        return (times.sorted()[times.count / 2], detector, try ImageDecoder().decode(bytes).image, photo)
    }

    /// Median time of the SSD postprocess on the network's last outputs (after the last timed inference, on noise:
    /// as many candidates as the model's 1e-8 threshold lets through), in the model's mode and in the other TFLite
    /// mode; nil for a model with another NMS, or none.
    static func timePostprocess(_ postprocessor: SSDPostprocessor?, on model: any PreparedModel, iterations: Int)
        throws -> (fast: Double, regular: Double)?
    {
        guard let postprocessor, !postprocessor.anchors.isEmpty, model.outputIndices.count >= 2,
            postprocessor.options.nms == .tfliteFast || postprocessor.options.nms == .tfliteRegular
        else { return nil }
        let encodings = TensorValues(model.output(0), tensor: model.outputTensor(0))
        let scores = TensorValues(model.output(1), tensor: model.outputTensor(1))
        var regularOptions = postprocessor.options
        regularOptions.nms = regularOptions.nms == .tfliteRegular ? .tfliteFast : .tfliteRegular
        let other = SSDPostprocessor(anchors: postprocessor.anchors, options: regularOptions)
        let clock = ContinuousClock()
        func median(_ p: SSDPostprocessor) -> Double {
            var times: [Double] = []
            for _ in 0..<max(iterations, 10) {
                times.append(clock.measure { _ = p.detections(encodings: encodings, scores: scores) }.milliseconds)
            }
            return times.sorted()[times.count / 2]
        }
        let (a, b) = (median(postprocessor), median(other))
        return postprocessor.options.nms == .tfliteRegular ? (b, a) : (a, b)
    }

    /// Deterministic noise in every input (TFLite's own benchmark feeds noise too): a multiplicative hash of the
    /// element index, the same on every run.
    static func fillWithNoise(_ model: any PreparedModel) {
        func noise(_ i: Int) -> UInt8 {
            UInt8(truncatingIfNeeded: (UInt32(truncatingIfNeeded: i) &* 2_654_435_761) >> 24)
        }
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
