import Foundation
import ImageIO
import Inference

/// A JSON request to the SSD handler, parsed and checked, its images base64-decoded but not yet decoded to pixels.
///
/// `{"image": "<base64>"}`, or a TF Serving-style batch `{"instances": [{"b64": "<base64>"}, ...]}`, with
/// optional `threshold`, `max_detections` and `classes`. Every number and list is checked here (against `Limits`,
/// and `max_detections` against the model by the handler), so that nothing a client sends reaches an allocation or
/// a loop unbounded.
public struct SSDRequest: Sendable, Equatable {
    /// The compressed images (JPEG or PNG bytes), in request order.
    public var images: [[UInt8]]
    /// Whether the request was a batch ("instances"), which shapes the response.
    public var isBatch: Bool
    /// The lowest score reported (0...1); nil for the handler's default.
    public var threshold: Float?
    /// At most this many detections per image (at least 1); nil for the model's own limit.
    public var maximumDetections: Int?
    /// Only these labels (or class ids, as strings), when given.
    public var classes: Set<String>?

    /// What a request may ask for.
    public struct Limits: Sendable, Equatable {
        /// Images per request.
        public var maximumBatch: Int
        /// Entries in `classes`.
        public var maximumClasses: Int
        /// Characters of one `classes` entry.
        public var maximumClassLength: Int

        /// The default limits: 16 images, 1000 classes of 128 characters.
        public init(maximumBatch: Int = 16, maximumClasses: Int = 1000, maximumClassLength: Int = 128) {
            self.maximumBatch = maximumBatch
            self.maximumClasses = maximumClasses
            self.maximumClassLength = maximumClassLength
        }
    }

    /// A request from its parts, already checked (raw image bodies, tests).
    public init(
        images: [[UInt8]], isBatch: Bool = false, threshold: Float? = nil, maximumDetections: Int? = nil,
        classes: Set<String>? = nil
    ) {
        self.images = images
        self.isBatch = isBatch
        self.threshold = threshold
        self.maximumDetections = maximumDetections
        self.classes = classes
    }

    /// Parses and checks a JSON body; every failure is a 400 with a stable code.
    public init(json body: [UInt8], limits: Limits) throws(InferenceError) {
        let request: Wire
        do {
            // The body, seen as Data without a copy: it outlives the decoding.
            request = try body.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return try JSONDecoder().decode(Wire.self, from: Data()) }
                let view = Data(
                    bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count,
                    deallocator: .none)
                return try JSONDecoder().decode(Wire.self, from: view)
            }
        } catch {
            throw .badRequest("invalid_json", "the body is not the expected JSON: \(Self.summary(of: error))")
        }
        let encoded: [String]
        switch (request.image, request.instances) {
        case (let image?, nil): encoded = [image]
        case (nil, let instances?): encoded = instances.map(\.b64)
        default: throw .badRequest("invalid_json", "give either \"image\" or \"instances\": [{\"b64\": ...}]")
        }
        guard !encoded.isEmpty else { throw .badRequest("invalid_json", "\"instances\" is empty") }
        guard encoded.count <= limits.maximumBatch else {
            throw .badRequest("batch_too_large", "\(encoded.count) images; at most \(limits.maximumBatch) per request")
        }
        if let threshold = request.threshold, !(0...1).contains(threshold) {
            throw .badRequest("invalid_threshold", "threshold \(threshold) is not between 0 and 1")
        }
        // The upper bound is the model's anchor count, which predictFn checks.
        if let maximum = request.maxDetections, maximum < 1 {
            throw .badRequest("invalid_max_detections", "max_detections \(maximum) is less than 1")
        }
        if let classes = request.classes {
            guard classes.count <= limits.maximumClasses else {
                throw .badRequest("invalid_classes", "\(classes.count) classes; at most \(limits.maximumClasses)")
            }
            if let long = classes.first(where: { $0.key.count > limits.maximumClassLength }) {
                throw .badRequest(
                    "invalid_classes",
                    "a class of \(long.key.count) characters; at most \(limits.maximumClassLength)")
            }
        }
        var images: [[UInt8]] = []
        images.reserveCapacity(encoded.count)
        for (index, text) in encoded.enumerated() {
            do {
                images.append(try Base64.decode(text.utf8))
            } catch {
                throw .badRequest("invalid_base64", "\(encoded.count == 1 ? "the image" : "image \(index)"): \(error)")
            }
        }
        self.init(
            images: images, isBatch: request.instances != nil, threshold: request.threshold,
            maximumDetections: request.maxDetections, classes: request.classes.map { Set($0.map(\.key)) })
    }

    /// The JSON as sent.
    private struct Wire: Decodable {
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
    private enum ClassFilter: Decodable {
        case label(String)
        case id(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let id = try? container.decode(Int.self) {
                self = .id(id)
            } else {
                self = .label(try container.decode(String.self))
            }
        }

        var key: String {
            switch self {
            case .label(let label): label
            case .id(let id): String(id)
            }
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
