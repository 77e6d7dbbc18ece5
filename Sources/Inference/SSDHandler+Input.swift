import Engine
import Foundation
import ImageIO

extension SSDHandler {
    /// Content types inputFn reads.
    public static let supportedContentTypes = ["application/json", "image/jpeg", "image/png", "application/x-image"]

    /// The JSON request: one image, or a TF Serving-style batch, with optional per-request settings.
    struct JSONRequest: Decodable {
        struct Instance: Decodable { var b64: String }
        var image: String?
        var instances: [Instance]?
        var threshold: Float?
        var maxDetections: Int?
        var classes: [ClassFilter]?

        enum CodingKeys: String, CodingKey {
            case image, instances, threshold, maxDetections = "max_detections", classes
        }
    }

    /// A label, or a class id.
    enum ClassFilter: Decodable {
        case label(String)
        case id(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let id = try? container.decode(Int.self) { self = .id(id) } else { self = .label(try container.decode(String.self)) }
        }

        var key: String {
            switch self {
            case .label(let label): label
            case .id(let id): String(id)
            }
        }
    }

    public func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> Input {
        let type = contentType.flatMap(MediaType.init)
        switch type?.essence {
        case "application/json":
            return try decodeJSON(body)
        case "image/jpeg", "image/png", "application/x-image":
            let (image, milliseconds) = try decodeImage(body, what: "the body")
            return Input(images: [image], decodeMilliseconds: [milliseconds])
        default:
            throw .unsupportedMediaType(contentType, supported: Self.supportedContentTypes)
        }
    }

    private func decodeJSON(_ body: [UInt8]) throws(InferenceError) -> Input {
        let request: JSONRequest
        do {
            request = try JSONDecoder().decode(JSONRequest.self, from: Data(body))
        } catch {
            throw .badRequest("invalid_json", "the body is not the expected JSON: \(Self.summary(of: error))")
        }
        var encoded: [String]
        switch (request.image, request.instances) {
        case (let image?, nil): encoded = [image]
        case (nil, let instances?): encoded = instances.map(\.b64)
        default: throw .badRequest("invalid_json", "give either \"image\" or \"instances\": [{\"b64\": ...}]")
        }
        guard !encoded.isEmpty else { throw .badRequest("invalid_json", "\"instances\" is empty") }
        guard encoded.count <= configuration.maximumBatch else {
            throw .badRequest("batch_too_large", "\(encoded.count) images; at most \(configuration.maximumBatch) per request")
        }
        if let threshold = request.threshold, !(0...1).contains(threshold) {
            throw .badRequest("invalid_threshold", "threshold \(threshold) is not between 0 and 1")
        }
        if let maximum = request.maxDetections, maximum < 1 {
            throw .badRequest("invalid_max_detections", "max_detections \(maximum) is less than 1")
        }
        var images: [RGBImage] = [], milliseconds: [Double] = []
        for (index, text) in encoded.enumerated() {
            let what = encoded.count == 1 ? "the image" : "image \(index)"
            let bytes: [UInt8]
            do {
                bytes = try Base64.decode(text.utf8)
            } catch {
                throw .badRequest("invalid_base64", "\(what): \(error)")
            }
            let (image, time) = try decodeImage(bytes, what: what)
            images.append(image)
            milliseconds.append(time)
        }
        return Input(images: images, isBatch: request.instances != nil, threshold: request.threshold,
            maximumDetections: request.maxDetections, classes: request.classes.map { Set($0.map(\.key)) },
            decodeMilliseconds: milliseconds)
    }

    private func decodeImage(_ bytes: [UInt8], what: String) throws(InferenceError) -> (RGBImage, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let image = try ImageDecoder(limits: configuration.imageLimits).decode(bytes).image
            return (image, (clock.now - start).milliseconds)
        } catch {
            throw .badRequest(error.code, "\(what): \(error)")
        }
    }

    /// A decoding error in a sentence, without Foundation's debug dump.
    static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "\(path): ") + context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        default: return "\(error)"
        }
    }
}
