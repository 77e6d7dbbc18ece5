import Dispatch

extension DispatchQueue {
    /// Runs `work` on this queue and awaits its result, so that CPU-heavy parsing or decoding does not occupy one
    /// of Swift's cooperative threads: those also answer health checks and metrics, which must never wait behind a
    /// burst of requests.
    public func offloaded<T: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> T)
        async throws(Failure) -> T
    {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            self.async { continuation.resume(returning: Result { () throws(Failure) in try work() }) }
        }
        return try result.get()
    }
}
