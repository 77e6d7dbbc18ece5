import Foundation
import Inference
import SSD
import SSDService

/// A custom handler: the default SSD handler's model, input and prediction, with its own output — only the
/// people, and how many there are: {"people": 2, "boxes": [[xmin, ymin, xmax, ymax], ...]} (pixels).
///
/// This is the pattern for overriding any of the four functions: implement the protocol, delegate what you keep
/// to `SSDHandler`, write what you change.
public struct PeopleCounterHandler: InferenceHandler {
    /// The default handler, which loads, decodes and predicts for this one.
    public let base: SSDHandler

    /// Wraps `base`, configured as for the default server (backend, limits, thresholds).
    public init(base: SSDHandler) { self.base = base }

    /// The base handler's detector pool, unchanged.
    public func modelFn(modelDirectory: String) async throws(InferenceError) -> DetectorPool {
        try await base.modelFn(modelDirectory: modelDirectory)
    }

    /// The base handler's decoding, with the class filter forced to "person" whatever the request asked.
    public func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> SSDHandler.Input {
        var input = try await base.inputFn(body: body, contentType: contentType)
        input.classes = ["person"]  // whatever the client asked, only people
        return input
    }

    /// The base handler's detection, unchanged.
    public func predictFn(input: SSDHandler.Input, model: DetectorPool) async throws(InferenceError)
        -> SSDHandler.Prediction
    {
        try await base.predictFn(input: input, model: model)
    }

    /// {"people": N, "boxes": [...]} per image (an array of them for a batch), always JSON: `accept` is not consulted.
    public func outputFn(prediction: SSDHandler.Prediction, accept: String?) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)
    {
        struct Count: Encodable {
            let people: Int
            let boxes: [[Float]]
        }
        let counts = prediction.results.map { Count(people: $0.detections.count, boxes: $0.detections.map(\.box.xyxy)) }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys  // the same bytes for the same answer
            let body = prediction.isBatch ? try encoder.encode(counts) : try encoder.encode(counts[0])
            return ([UInt8](body), "application/json")
        } catch {
            throw .internalError("cannot encode the count: \(error)")
        }
    }
}
