import Dispatch
import SSD

/// A bounded pool of detectors, each with its own arena and its own thread, shared by all requests.
///
/// A request takes an idle detector, or waits in a queue of at most `maximumQueue` requests; past that it is
/// refused at once with 503 (`InferenceError.overloaded`) rather than left to time out. Inference runs on the
/// detector's own dispatch queue, off the threads that serve HTTP and decode images.
public actor DetectorPool {
    /// One detector and the serial queue it runs on; used by one request at a time, which the pool guarantees.
    final class Worker: @unchecked Sendable {
        let detector: Detector
        let queue: DispatchQueue

        init(detector: Detector, index: Int) {
            self.detector = detector
            queue = DispatchQueue(label: "ssd-detect.worker.\(index)", qos: .userInitiated)
        }
    }

    private var idle: [Worker]
    private var waiting: [CheckedContinuation<Worker, Never>] = []
    public nonisolated let workerCount: Int
    public nonisolated let maximumQueue: Int
    /// The model's name, labels and input size, for responses.
    public nonisolated let modelName: String

    /// A pool of `detectors` (at least one).
    public init(detectors: [Detector], maximumQueue: Int) {
        precondition(!detectors.isEmpty, "a pool needs a detector")
        idle = detectors.enumerated().map { Worker(detector: $0.element, index: $0.offset) }
        workerCount = detectors.count
        self.maximumQueue = max(0, maximumQueue)
        modelName = detectors[0].modelName
    }

    /// Requests waiting for a detector.
    public var queueLength: Int { waiting.count }

    /// Runs `body` with a detector of its own, on that detector's thread.
    public func withDetector<T: Sendable>(_ body: @escaping @Sendable (Detector) -> T) async throws(InferenceError) -> T {
        let worker = try await acquire()
        let result = await withCheckedContinuation { continuation in
            worker.queue.async { continuation.resume(returning: body(worker.detector)) }
        }
        release(worker)
        return result
    }

    private func acquire() async throws(InferenceError) -> Worker {
        if let worker = idle.popLast() { return worker }
        guard waiting.count < maximumQueue else { throw .overloaded() }
        return await withCheckedContinuation { waiting.append($0) }
    }

    private func release(_ worker: Worker) {
        if waiting.isEmpty {
            idle.append(worker)
        } else {
            waiting.removeFirst().resume(returning: worker)
        }
    }
}
