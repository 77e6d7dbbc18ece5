import Engine
import Foundation
import ImageIO
import Inference
import SSD

/// The default handler: SSD detection with the project's JSON schema, or SageMaker's object-detection format.
///
/// inputFn decodes the payload and the images (on the request's task, off the inference threads); predictFn runs
/// the detectors of the pool (preprocessing included: it writes into the detector's own input tensor);
/// outputFn encodes.
public struct SSDHandler: InferenceHandler {
    /// The two response formats.
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// The project's schema (docs/JSON.md), per image.
        case native
        /// SageMaker's built-in object detection: {"prediction": [[class_id, score, xmin, ymin, xmax, ymax]]},
        /// normalized coordinates.
        case sagemaker
    }

    /// What the handler is built with: the backend, the pool's layout and queue, defaults and limits.
    public struct Configuration: Sendable {
        /// The detectors of the pool and their threads, with the all-cores detector for lone requests.
        public var layout: WorkerLayout
        /// Requests that may wait for a detector before 503.
        public var maximumQueue: Int
        /// Makes the backend of each detector.
        public var backend: @Sendable () -> any Backend
        /// Score threshold when a request gives none.
        public var defaultThreshold: Float
        /// The format for Accept: application/json (or none); the other is chosen with `format=` (docs/HTTP-API.md).
        public var defaultFormat: OutputFormat
        /// What one JSON request may ask for (images per request, classes).
        public var requestLimits: SSDRequest.Limits
        /// Size limits checked from each image's header, before any pixel is decoded.
        public var imageLimits: ImageLimits
        /// Bytes that the images of requests in flight may take to decode, together (`ImageMemoryBudget`).
        public var imageMemoryBytes: Int

        /// 384 MB: with the detectors, the bodies being read and the runtime, the default server stays under
        /// about 1 GB whatever the load (docs/RELIABILITY.md).
        public static let defaultImageMemoryBytes = 384 << 20

        /// `backend` is wired in by the caller (the executable): Inference knows no backend.
        public init(
            backend: @escaping @Sendable () -> any Backend, layout: WorkerLayout = WorkerLayout(workers: 1),
            maximumQueue: Int = 16, defaultThreshold: Float = 0.5,
            defaultFormat: OutputFormat = .native, requestLimits: SSDRequest.Limits = .init(),
            imageLimits: ImageLimits = ImageLimits(),
            imageMemoryBytes: Int = Configuration.defaultImageMemoryBytes
        ) {
            self.imageMemoryBytes = imageMemoryBytes
            self.layout = layout
            self.maximumQueue = maximumQueue
            self.backend = backend
            self.defaultThreshold = defaultThreshold
            self.defaultFormat = defaultFormat
            self.requestLimits = requestLimits
            self.imageLimits = imageLimits
        }
    }

    /// A decoded request.
    public struct Input: Sendable {
        /// One image of the request, decoded, with the time that took (reported in its timings).
        public struct Image: Sendable {
            /// The decoded pixels, upright.
            public var pixels: RGBImage
            /// Milliseconds spent decoding it.
            public var decodeMilliseconds: Double

            /// `pixels`, decoded in `decodeMilliseconds` (0 for pixels that were never compressed).
            public init(_ pixels: RGBImage, decodeMilliseconds: Double = 0) {
                self.pixels = pixels
                self.decodeMilliseconds = decodeMilliseconds
            }
        }

        /// The decoded images' share of the image memory budget, given back when the input is dropped.
        public var reservation: ImageMemoryBudget.Reservation?
        /// The images, in request order.
        public var images: [Image]
        /// Whether the request was a batch ("instances"), which shapes the response.
        public var isBatch: Bool
        /// The lowest score reported; nil for the handler's default.
        public var threshold: Float?
        /// At most this many detections per image; nil for the model's own limit.
        public var maximumDetections: Int?
        /// Only these labels (or class ids, as strings), when given.
        public var classes: Set<String>?

        /// A request as inputFn makes it from a body, or as a custom handler makes it from its own input.
        public init(
            images: [Image], isBatch: Bool = false, threshold: Float? = nil, maximumDetections: Int? = nil,
            classes: Set<String>? = nil, reservation: ImageMemoryBudget.Reservation? = nil
        ) {
            self.reservation = reservation
            self.images = images
            self.isBatch = isBatch
            self.threshold = threshold
            self.maximumDetections = maximumDetections
            self.classes = classes
        }
    }

    /// Detections per image.
    public struct Prediction: Sendable {
        /// The model's name, as the response reports it.
        public var model: String
        /// One result per image, in request order.
        public var results: [ImageDetections]
        /// Whether the request was a batch, which shapes the response.
        public var isBatch: Bool
    }

    /// As built; fixed for the handler's life.
    public let configuration: Configuration
    /// Shared by all requests: the decoded images of those in flight stay within it.
    public let imageMemory: ImageMemoryBudget

    /// A handler; nothing is loaded until `modelFn`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        imageMemory = ImageMemoryBudget(capacity: configuration.imageMemoryBytes)
    }

    /// Loads the model in `modelDirectory` (a folder with a model.json or one .tflite file, or the file) once, plans
    /// it on each of the pool's detectors, then warms them up with a whole request.
    public func modelFn(modelDirectory: String) async throws(InferenceError) -> DetectorPool {
        let model: SSDModel
        do throws(SSDError) { model = try SSDModel(contentsOf: modelDirectory) } catch {
            throw .internalError("cannot load \(modelDirectory): \(error)")
        }
        let layout = configuration.layout
        var detectors: [Detector] = []
        for _ in 0..<layout.workers { detectors.append(try detector(model, threads: layout.threadsPerWorker)) }
        let loneRequestDetector = try layout.loneRequestThreads.map { (threads) throws(InferenceError) in
            try detector(model, threads: threads)
        }
        let pool = DetectorPool(
            detectors: detectors, loneRequestDetector: loneRequestDetector,
            maximumQueue: configuration.maximumQueue)
        try await warmUp(pool)
        return pool
    }

    /// A detector on `threads` threads. The thorough warm-up only where there are several: a single-threaded
    /// detector's first request comes after readiness, long after what slows a new process's first inferences,
    /// and 200 ms each would add seconds to the start of a server on many cores.
    private func detector(_ model: SSDModel, threads: Int) throws(InferenceError) -> Detector {
        do throws(SSDError) {
            return try Detector(
                model: model, backend: configuration.backend(),
                options: BackendOptions(threads: threads, thoroughWarmUp: threads > 1))
        } catch {
            throw .internalError("cannot plan \(model.path): \(error)")
        }
    }

    /// Runs the whole batch on one detector of the pool; 400 for `max_detections` past the model's anchors.
    public func predictFn(input: Input, model: DetectorPool) async throws(InferenceError) -> Prediction {
        if let maximum = input.maximumDetections, maximum > model.maximumDetections {
            throw .badRequest(
                "invalid_max_detections",
                "max_detections \(maximum) is over \(model.maximumDetections), the model's anchors")
        }
        let threshold = input.threshold ?? configuration.defaultThreshold
        let (images, maximumDetections) = (input.images, input.maximumDetections)
        // One detector for the whole batch: a request admitted is never refused half-way for want of a detector.
        let outputs = try await model.withDetector { (detector) throws(InferenceError) in
            do throws(SSDError) {
                return try images.map { (image) throws(SSDError) in
                    try detector.detect(image.pixels, scoreThreshold: threshold, maximumDetections: maximumDetections)
                }
            } catch {
                throw .internalError("inference failed: \(error)")
            }
        }
        var results: [ImageDetections] = []
        for (image, (detections, timing)) in zip(images, outputs) {
            let kept =
                input.classes.map { classes in
                    detections.filter { classes.contains($0.label) || classes.contains(String($0.classIndex)) }
                } ?? detections
            results.append(
                ImageDetections(
                    path: nil, width: image.pixels.width, height: image.pixels.height, detections: kept,
                    timings: StageTimings(decode: image.decodeMilliseconds, detection: timing)))
        }
        return Prediction(model: model.modelName, results: results, isBatch: input.isBatch)
    }
}
