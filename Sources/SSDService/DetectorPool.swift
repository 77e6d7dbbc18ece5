import Dispatch
import Inference
import SSD

/// A bounded pool of detectors, each with its own arena and its own thread, shared by all requests.
///
/// A request takes an idle detector, or waits in a queue of at most `maximumQueue` requests; past that it is
/// refused at once with 503 (`InferenceError.overloaded`) rather than left to time out. Inference runs on the
/// detector's own dispatch queue, off the threads that serve HTTP and decode images.
///
/// The pool may also hold a detector on all cores for lone requests: one that arrives while no other is being
/// inferred takes it, and gets its answer as fast as the machine allows; under load the single-threaded
/// detectors give the most throughput (docs/PERFORMANCE.md, "Serving").
public actor DetectorPool {
    /// One detector and the serial queue it runs on; used by one request at a time, which the pool guarantees.
    final class Worker: @unchecked Sendable {
        let detector: Detector
        let queue: DispatchQueue
        /// Position in the pool; `workerCount` for the lone-request detector.
        let index: Int

        init(detector: Detector, index: Int) {
            self.detector = detector
            self.index = index
            queue = DispatchQueue(label: "ssd-detect.worker.\(index)", qos: .userInitiated)
        }
    }

    private var idle: [Worker]
    /// The all-cores detector, when the pool has one and it is not in use.
    private var idleLoneRequestWorker: Worker?
    /// Requests holding a detector.
    private var busy = 0
    private var waiting: [CheckedContinuation<Worker, Never>] = []
    /// Detectors that take requests under load (the lone-request detector not counted).
    public nonisolated let workerCount: Int
    /// Requests that may wait for a detector; past it, 503.
    public nonisolated let maximumQueue: Int
    /// The model's name, labels and input size, for responses.
    public nonisolated let modelName: String
    /// The most detections a request may ask for: the model's anchors.
    public nonisolated let maximumDetections: Int

    /// A pool of `detectors` (at least one), and `loneRequestDetector` for requests that arrive while no other
    /// is being inferred (nil: none).
    public init(detectors: [Detector], loneRequestDetector: Detector? = nil, maximumQueue: Int) {
        precondition(!detectors.isEmpty, "a pool needs a detector")
        idle = detectors.enumerated().map { Worker(detector: $0.element, index: $0.offset) }
        idleLoneRequestWorker = loneRequestDetector.map { Worker(detector: $0, index: detectors.count) }
        workerCount = detectors.count
        self.maximumQueue = max(0, maximumQueue)
        modelName = detectors[0].modelName
        maximumDetections = detectors[0].maximumDetectionsLimit
    }

    /// Requests waiting for a detector.
    public var queueLength: Int { waiting.count }

    /// Runs `body` with a detector of its own, on that detector's thread.
    public func withDetector<T: Sendable>(_ body: @escaping @Sendable (Detector) throws(InferenceError) -> T)
        async
        throws(InferenceError) -> T
    {
        let worker = try await acquire()
        let result: Result<T, InferenceError> = await withCheckedContinuation { continuation in
            worker.queue.async {
                continuation.resume(returning: Result { () throws(InferenceError) in try body(worker.detector) })
            }
        }
        release(worker)
        return try result.get()
    }

    /// Runs `body` on every detector in turn (the lone-request one too), each on its own thread: for warm-up,
    /// before the pool serves requests.
    public func forEachDetector<T: Sendable>(_ body: @escaping @Sendable (Detector) -> T) async -> [T] {
        var results: [T] = []
        for worker in idle + [idleLoneRequestWorker].compactMap({ $0 }) {
            results.append(
                await withCheckedContinuation { continuation in
                    worker.queue.async { continuation.resume(returning: body(worker.detector)) }
                })
        }
        return results
    }

    private func acquire() async throws(InferenceError) -> Worker {
        if busy == 0, let worker = idleLoneRequestWorker {
            idleLoneRequestWorker = nil
            busy += 1
            return worker
        }
        if let worker = idle.popLast() {
            busy += 1
            return worker
        }
        guard waiting.count < maximumQueue else { throw .overloaded() }
        // Counted busy by the releaser that hands it over.
        return await withCheckedContinuation { waiting.append($0) }
    }

    private func release(_ worker: Worker) {
        if worker.index == workerCount {
            // The lone-request detector goes back; waiters are served by the single-threaded ones.
            idleLoneRequestWorker = worker
            busy -= 1
        } else if waiting.isEmpty {
            idle.append(worker)
            busy -= 1
        } else {
            waiting.removeFirst().resume(returning: worker)
        }
    }
}
