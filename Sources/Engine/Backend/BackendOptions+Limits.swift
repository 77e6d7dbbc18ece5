#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension BackendOptions {
    /// The most worker threads a backend accepts: above the core count of common servers (threads beyond the
    /// cores only contend, as the workers spin between kernels) and far below the operating system's thread
    /// limits, so that a typo such as `--threads 100000` is refused instead of starting that many threads.
    public static let maximumThreads = 256

    /// Cores this process may run on: the one count every default of threads and workers starts from.
    public static var availableCores: Int { max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1) }

    /// The threads a model gets when `threads` is nil: every core, up to the most allowed.
    public static var defaultThreads: Int { min(availableCores, maximumThreads) }

    /// Throws the first option outside its range; every backend's `prepare` calls it before planning.
    public func validate() throws(ModelError) {
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw .invalidOption(name: "threads", value: "\(threads)", allowed: "1...\(Self.maximumThreads)")
        }
    }
}
