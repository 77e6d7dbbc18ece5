import Engine

/// How the cores are shared among a server's detectors, decided once from the flags and the machine: the command
/// logs it, the handler builds its pool from it.
public struct WorkerLayout: Sendable, Equatable {
    /// Cores this process may run on, capped at the threads a backend accepts.
    public let cores: Int
    /// Detectors running at once.
    public let workers: Int
    /// Threads of each of them.
    public let threadsPerWorker: Int
    /// Threads of the detector for lone requests (all the cores), nil when there is none: it is asked for and the
    /// workers have fewer threads than there are cores.
    public let loneRequestThreads: Int?

    /// By default one single-threaded detector per core: measured 148 vs 125 requests/s at concurrency 4 on 2
    /// cores against one two-threaded detector. The all-cores detector for lone requests wins back the latency
    /// alone (9.2 vs 12.3 ms p50 at concurrency 1) without a measurable cost under load (docs/PERFORMANCE.md,
    /// "Serving").
    public init(
        cores: Int = BackendOptions.defaultThreads, workers: Int? = nil, threadsPerWorker: Int? = nil,
        allCoresWhenIdle: Bool = false
    ) {
        self.cores = max(1, min(cores, BackendOptions.maximumThreads))
        self.workers = max(1, workers ?? self.cores)
        self.threadsPerWorker = threadsPerWorker ?? max(1, self.cores / self.workers)
        loneRequestThreads = allCoresWhenIdle && self.threadsPerWorker < self.cores ? self.cores : nil
    }
}
