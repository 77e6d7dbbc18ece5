import Engine

extension CPUModel: KernelTiming {
    func runTimingKernels(_ durations: inout [[Duration]]) {
        precondition(durations.count == kernels.count, "one entry per kernel")
        let clock = ContinuousClock()
        for (index, kernel) in kernels.enumerated() {
            durations[index].append(clock.measure { kernel.run(on: pool) })
        }
    }

    /// A kernel's name: `step` (an op's name, or a conversion), its output's shape, and its parts.
    static func kernelName(_ step: String, _ kernel: any CPUKernel, shape: [Int]) -> String {
        let split: String
        if let convolution = kernel as? Convolution, convolution.splitsByColumns {
            split = "\(convolution.parts) column parts"
        } else if let partitioned = kernel as? any PartitionedKernel, partitioned.parts > 1 {
            split = "\(partitioned.parts) parts"
        } else {
            split = "1 part"
        }
        return "\(step) \(shape.map(String.init).joined(separator: "x")), \(split)"
    }
}
