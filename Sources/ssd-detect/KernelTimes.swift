import Engine
import Foundation

/// Each step of an inference timed on its own (`bench --kernels`): its median and its minimum over the runs, in
/// microseconds, in the order the steps run.
struct KernelTimes {
    struct Row {
        let name: String
        let p50: Double
        let minimum: Double
    }

    let rows: [Row]
    /// Each inference's steps summed, then the median and minimum of those sums. The sums of the steps' medians
    /// and minima take every step at its own typical or best run; a wait that strikes a few steps of every
    /// inference (a late hand-over between threads) shows as the gap between the two medians.
    let inference: (p50: Double, minimum: Double)

    /// Times `iterations` inferences of `model` step by step.
    init(timing model: any KernelTiming, iterations: Int) {
        var durations = [[Duration]](repeating: [], count: model.kernelNames.count)
        for _ in 0..<iterations { model.runTimingKernels(&durations) }
        let microseconds = durations.map { $0.map { $0.milliseconds * 1000 } }
        rows = zip(model.kernelNames, microseconds).map { name, samples in
            let sorted = samples.sorted()
            return Row(name: name, p50: BenchReport.percentile(0.5, ofSorted: sorted), minimum: sorted[0])
        }
        let totals = (0..<iterations).map { run in microseconds.reduce(0) { $0 + $1[run] } }.sorted()
        inference = (BenchReport.percentile(0.5, ofSorted: totals), totals.first ?? 0)
    }

    var jsonObject: [[String: Any]] {
        rows.map { ["kernel": $0.name, "p50_us": Self.tenths($0.p50), "min_us": Self.tenths($0.minimum)] }
    }

    /// The median and minimum of each inference's steps summed, in microseconds (`inference`).
    var inferenceJSONObject: [String: Any] {
        ["p50_us": Self.tenths(inference.p50), "min_us": Self.tenths(inference.minimum)]
    }

    /// Microseconds to the tenth, as the JSON gives them.
    private static func tenths(_ microseconds: Double) -> Double { (microseconds * 10).rounded() / 10 }

    /// One line per step, then their sums (the sum of the minima is the inference as fast as each step has run),
    /// then the inferences' own median and minimum.
    var table: String {
        let lines = rows.map { String(format: "%9.1f %9.1f  ", $0.p50, $0.minimum) + $0.name }
        let sums = String(
            format: "%9.1f %9.1f  all %d kernels", rows.map(\.p50).reduce(0, +), rows.map(\.minimum).reduce(0, +),
            rows.count)
        let inferences = String(
            format: "%9.1f %9.1f  each inference, its steps summed", inference.p50, inference.minimum)
        return (["   p50 us    min us  kernel"] + lines + [sums, inferences]).joined(separator: "\n")
    }
}
