import Engine
import Foundation
import ImageIO

extension SSDHandler {
    /// Content types inputFn reads.
    public static let supportedContentTypes = ["application/json", "image/jpeg", "image/png", "application/x-image"]

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
        let request = try SSDRequest(json: body, limits: configuration.requestLimits)
        var images: [RGBImage] = [], milliseconds: [Double] = []
        for (index, bytes) in request.images.enumerated() {
            let (image, time) = try decodeImage(bytes, what: request.images.count == 1 ? "the image" : "image \(index)")
            images.append(image)
            milliseconds.append(time)
        }
        return Input(images: images, isBatch: request.isBatch, threshold: request.threshold,
            maximumDetections: request.maximumDetections, classes: request.classes, decodeMilliseconds: milliseconds)
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
}
