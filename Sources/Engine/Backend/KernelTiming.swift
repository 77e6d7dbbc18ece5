/// A prepared model that can time its steps one by one: where an inference's time goes (`ssd-detect bench
/// --kernels`). The timing is outside `run`, which stays as it is.
public protocol KernelTiming: PreparedModel {
    /// One name per step of an inference, in order: what it computes, its output's shape, how it splits between
    /// threads.
    var kernelNames: [String] { get }
    /// One inference, as `run`, appending each step's duration to its entry of `durations` (as many entries as
    /// `kernelNames`).
    func runTimingKernels(_ durations: inout [[Duration]])
}
