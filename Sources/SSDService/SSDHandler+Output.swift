import Foundation
import Inference
import SSD

extension SSDHandler {
    /// The Accept values outputFn answers, for 406 messages.
    public static let supportedAccept = [
        "application/json", "application/json; format=native",
        "application/json; format=sagemaker", "*/*",
    ]

    /// The format the Accept header asks for (the configuration's default for plain JSON or none); 406 unless it
    /// names JSON, native or SageMaker's.
    public func responseFormat(accept: String?) throws(InferenceError) -> OutputFormat {
        try Self.format(for: accept, default: configuration.defaultFormat)
    }

    /// Encodes the detections in `accept`, the format `responseFormat(accept:)` read from the header.
    public func outputFn(prediction: Prediction, accept format: OutputFormat) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)
    {
        let body: [UInt8]
        switch format {
        case .native: body = try Self.native(prediction)
        case .sagemaker: body = try Self.sagemaker(prediction)
        }
        return (body, "application/json")
    }

    /// The first acceptable format of the Accept header: application/json (or a wildcard) gives the default,
    /// its `format` parameter picks one. No header means the default.
    static func format(for accept: String?, default defaultFormat: OutputFormat) throws(InferenceError) -> OutputFormat
    {
        let entries = MediaType.acceptList(accept)
        if entries.isEmpty { return defaultFormat }
        for entry in entries where entry.admits("application/json") {
            guard let name = entry.parameters["format"] else { return defaultFormat }
            if let format = OutputFormat(rawValue: name.lowercased()) { return format }
        }
        throw .notAcceptable(accept, supported: supportedAccept)
    }

    /// The project's schema: the image object, with the model's name; a batch as {"model", "predictions": [...]}.
    static func native(_ prediction: Prediction) throws(InferenceError) -> [UInt8] {
        struct Single: Encodable {
            let model: String
            let image: ImageDetections
            func encode(to encoder: any Encoder) throws {
                try image.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(model, forKey: .model)
            }
            enum Key: String, CodingKey { case model }
        }
        struct Batch: Encodable {
            let model: String
            let predictions: [ImageDetections]
        }
        if prediction.isBatch {
            return try encode(Batch(model: prediction.model, predictions: prediction.results))
        }
        return try encode(Single(model: prediction.model, image: prediction.results[0]))
    }

    /// SageMaker's built-in object detection response: [class_id, score, xmin, ymin, xmax, ymax], normalized.
    static func sagemaker(_ prediction: Prediction) throws(InferenceError) -> [UInt8] {
        struct Image: Encodable { let prediction: [[Float]] }
        struct Batch: Encodable { let predictions: [Image] }
        let images = prediction.results.map { result in
            Image(prediction: result.detections.map { [Float($0.classIndex), $0.score] + $0.normalizedBox.xyxy })
        }
        return prediction.isBatch ? try encode(Batch(predictions: images)) : try encode(images[0])
    }

    static func encode(_ value: some Encodable) throws(InferenceError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return [UInt8](try encoder.encode(value))
        } catch {
            throw .internalError("cannot encode the response: \(error)")
        }
    }
}
