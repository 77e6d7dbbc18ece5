import Engine
import Foundation
import SSD

/// One backend's timings, as a table or JSON.
struct BenchReport {
    let model: String
    let backend: String
    let detail: String
    /// What the CPU backend's quantized convolutions ran on (`SSD_CPU_ISA`'s names); nil for other backends.
    let instructionSet: String?
    let threads: Int
    let iterations: Int
    let loadAndPlan: Duration
    let first: Duration
    let samples: [Duration]
    let peakResidentBytes: Int
    /// Median milliseconds of the SSD postprocess, fast (class-agnostic) and regular (per-class) NMS.
    let postprocessFast: Double?
    let postprocessRegular: Double?
    /// Median milliseconds of a whole detection of a photo (decode, preprocess, network, postprocess).
    let endToEnd: Double?
    /// The photo of the end-to-end time.
    let photo: String?
    /// Median milliseconds a remote added over its worker's own compute time (remote backend only).
    let remoteOverhead: Double?
    /// Agreement with the CPU backend on that photo, for the other rows of `--backend all`.
    var agreement: DetectorAgreement?
    /// Each step's own time (`--kernels`), for backends that time them.
    var kernels: KernelTimes?

    private var sorted: [Double] { samples.map(\.milliseconds).sorted() }

    /// The sample at `fraction` of the sorted list (nearest rank).
    func percentile(_ fraction: Double) -> Double { Self.percentile(fraction, ofSorted: sorted) }

    /// The value at `fraction` of `values`, sorted ascending (nearest rank).
    static func percentile(_ fraction: Double, ofSorted values: [Double]) -> Double {
        values[min(values.count - 1, max(0, Int((fraction * Double(values.count)).rounded(.up)) - 1))]
    }

    var mean: Double { samples.map(\.milliseconds).reduce(0, +) / Double(samples.count) }

    var fields: [(String, Any)] {
        [
            ("model", model), ("backend", backend), ("detail", detail), ("threads", threads),
            ("iterations", iterations), ("load_plan_ms", round3(loadAndPlan.milliseconds)),
            ("first_ms", round3(first.milliseconds)), ("p50_ms", round3(percentile(0.5))),
            ("p90_ms", round3(percentile(0.9))), ("p99_ms", round3(percentile(0.99))),
            ("min_ms", round3(sorted[0])), ("images_per_s", round3(1000 / mean)),
            ("peak_rss_mb", round3(Double(peakResidentBytes) / 1_048_576)),
        ] + (postprocessFast.map { [("postprocess_fast_ms", round3($0))] } ?? [])
            + (postprocessRegular.map { [("postprocess_regular_ms", round3($0))] } ?? [])
            + (endToEnd.map { [("end_to_end_ms", round3($0))] } ?? []) + (photo.map { [("photo", $0)] } ?? [])
            + (instructionSet.map { [("isa", $0)] } ?? [])
            + (remoteOverhead.map { [("remote_overhead_p50_ms", round3($0))] } ?? [])
            + (agreement.map { [("agreement_with_cpu", Self.fields(of: $0))] } ?? [])
            + (kernels.map { [("kernels", $0.jsonObject), ("kernel_inferences", $0.inferenceJSONObject)] } ?? [])
    }

    private static func fields(of agreement: DetectorAgreement) -> [String: Any] {
        [
            "agrees": agreement.holds, "detections": agreement.detections,
            "baseline_detections": agreement.baselineDetections, "unmatched_detections": agreement.unmatched,
            "heads": agreement.heads.map {
                ["max_lsb": $0.maximumDifference, "within_one": $0.withinOne, "exact": $0.exact] as [String: Any]
            },
        ]
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    var json: String {
        let object = Dictionary(uniqueKeysWithValues: fields)
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    var table: String {
        let ms = { (value: Double) in String(format: "%.2f ms", value) }
        let rows: [(String, String)] =
            [
                ("model", model), ("backend", detail), ("load + plan", ms(loadAndPlan.milliseconds)),
                ("first inference", ms(first.milliseconds)),
                ("p50 / p90 / p99", "\(ms(percentile(0.5))) / \(ms(percentile(0.9))) / \(ms(percentile(0.99)))"),
                ("min", ms(sorted[0])), ("images/s", String(format: "%.1f", 1000 / mean)),
                ("peak RSS", String(format: "%.1f MB", Double(peakResidentBytes) / 1_048_576)),
                ("iterations", "\(iterations)"),
            ]
            + (remoteOverhead.map {
                [("remote overhead", String(format: "%.2f ms p50 (round trip minus the worker's compute)", $0))]
            } ?? [])
            + (postprocessFast.map {
                [
                    (
                        "postprocess",
                        String(format: "%.3f ms fast NMS", $0)
                            + (postprocessRegular.map { String(format: ", %.3f ms regular NMS", $0) } ?? "")
                    )
                ]
            } ?? [])
            + (endToEnd.map {
                [("end to end", String(format: "%.2f ms per photo (decode + preprocess + network + postprocess)", $0))]
            } ?? [])
        let table = rows.map { $0.0.padding(toLength: 17, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
        return kernels.map { table + "\n\n" + $0.table } ?? table
    }

    /// Several backends, one row each, with the speed-up over the first (the CPU).
    static func comparison(_ reports: [BenchReport]) -> String {
        let baseline = reports[0].percentile(0.5)
        var lines = [
            "backend".padding(toLength: 40, withPad: " ", startingAt: 0)
                + "load+plan ms  first ms  p50 ms  p90 ms  p99 ms  images/s  vs cpu  end-to-end ms"
        ]
        for report in reports {
            let p50 = report.percentile(0.5)
            lines.append(
                report.detail.padding(toLength: 40, withPad: " ", startingAt: 0)
                    + String(
                        format:
                            "%12.1f %9.2f %7.2f %7.2f %7.2f %9.1f %6.1fx %14.2f", report.loadAndPlan.milliseconds,
                        report.first.milliseconds, p50, report.percentile(0.9), report.percentile(0.99),
                        1000 / report.mean, baseline / p50, report.endToEnd ?? .nan))
        }
        for report in reports.dropFirst() {
            guard let agreement = report.agreement, let photo = report.photo else { continue }
            lines.append("\n\(report.detail) vs \(reports[0].detail) on \(photo): \(agreement.summary)")
        }
        for report in reports {
            if let kernels = report.kernels { lines.append("\n\(report.detail)\n\(kernels.table)") }
        }
        return lines.joined(separator: "\n")
    }
}
