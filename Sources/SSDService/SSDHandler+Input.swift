import Dispatch
import Engine
import ImageIO
import Inference

extension SSDHandler {
    /// Content types inputFn reads.
    public static let supportedContentTypes = ["application/json", "image/jpeg", "image/png", "application/x-image"]

    /// Parses the body, then decodes its images once their memory is reserved: every image's header is read (and
    /// checked against the size limits) before any pixel is decoded, so a request that cannot fit is refused
    /// having cost almost nothing, and one that must wait waits holding only its compressed bytes.
    public func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> Input {
        let type = contentType.flatMap(MediaType.init)
        let isJSON: Bool
        switch type?.essence {
        case "application/json": isJSON = true
        case "image/jpeg", "image/png", "application/x-image": isJSON = false
        default: throw .unsupportedMediaType(contentType, supported: Self.supportedContentTypes)
        }
        let limits = configuration.requestLimits
        let decoder = ImageDecoder(limits: configuration.imageLimits)
        let (request, headers) = try await Self.offloaded { () throws(InferenceError) in
            let request = isJSON ? try SSDRequest(json: body, limits: limits) : SSDRequest(images: [body])
            var headers: [ImageHeader] = []
            for (index, bytes) in request.images.enumerated() {
                do throws(ImageDecodingError) {
                    headers.append(try decoder.header(bytes))
                } catch {
                    throw .badRequest(error.code, "\(Self.name(of: index, in: request, isJSON: isJSON)): \(error)")
                }
            }
            return (request, headers)
        }
        let reservation = try await imageMemory.reserve(headers.reduce(0) { $0 + $1.decodingBytes })
        let decoded = try await Self.offloaded { () throws(InferenceError) in
            var decoded: [Input.Image] = []
            let clock = ContinuousClock()
            for (index, bytes) in request.images.enumerated() {
                let start = clock.now
                do throws(ImageDecodingError) {
                    let image = try decoder.decode(bytes).image
                    decoded.append(Input.Image(image, decodeMilliseconds: (clock.now - start).milliseconds))
                } catch {
                    throw .badRequest(error.code, "\(Self.name(of: index, in: request, isJSON: isJSON)): \(error)")
                }
            }
            return decoded
        }
        reservation.shrink(to: headers.reduce(0) { $0 + $1.decodedBytes })
        return Input(
            images: decoded, isBatch: request.isBatch, threshold: request.threshold,
            maximumDetections: request.maximumDetections, classes: request.classes, reservation: reservation)
    }

    /// How errors name an image: "the body", "the image", or "image 3" of a batch.
    private static func name(of index: Int, in request: SSDRequest, isJSON: Bool) -> String {
        !isJSON ? "the body" : request.images.count == 1 ? "the image" : "image \(index)"
    }

    /// Runs `work` (JSON, base64, image headers and decoding) on the decoding threads, off Swift's cooperative
    /// threads: those also answer /ping and /metrics, which must never wait behind a burst of decodes.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws(InferenceError) -> T)
        async
        throws(InferenceError) -> T
    {
        try await decodingQueue.offloaded(work)
    }

    /// Concurrent, as wide as the machine's cores (libdispatch's width for a concurrent queue).
    private static let decodingQueue = DispatchQueue(
        label: "ssd-detect.decode", qos: .userInitiated,
        attributes: .concurrent)
}
