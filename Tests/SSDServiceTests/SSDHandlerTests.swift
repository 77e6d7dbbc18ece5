import CPUBackend
import Foundation
import ImageIO
import Inference
import SSD
import SSDService
import TestSupport
import Testing

/// The default handler's four functions, without HTTP.
struct SSDHandlerTests {
    static let modelDirectory = Assets.defaultModelFolder.path

    static func handler(limits: ImageLimits = ImageLimits(), format: SSDHandler.OutputFormat = .native) -> SSDHandler {
        SSDHandler(
            configuration: .init(
                backend: { CPUBackend() }, layout: WorkerLayout(workers: 1, threadsPerWorker: 1), maximumQueue: 4,
                defaultFormat: format, requestLimits: .init(maximumBatch: 4), imageLimits: limits))
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        [UInt8](try! JSONSerialization.data(withJSONObject: object))
    }

    static func base64(_ photo: String) throws -> String { Data(try Assets.photo(photo)).base64EncodedString() }

    static func expectError(
        _ code: String, status: Int, _ body: () async throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected \(status) \(code)", sourceLocation: sourceLocation)
        } catch let error as InferenceError {
            #expect(error.status == status && error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func jsonAndRawBodiesDecode() async throws {
        let handler = Self.handler()
        let single = try await handler.inputFn(
            body: Self.json([
                "image": try Self.base64("darknet_dog"), "threshold": 0.3,
                "max_detections": 5, "classes": ["dog", 2],
            ]), contentType: "application/json; charset=utf-8")
        #expect(single.images.count == 1 && !single.isBatch)
        #expect(single.images[0].pixels.width == 768 && single.threshold == 0.3 && single.maximumDetections == 5)
        #expect(single.classes == ["dog", "2"])
        let batch = try await handler.inputFn(
            body: Self.json([
                "instances": [
                    ["b64": try Self.base64("voc_000001")],
                    ["b64": try Self.base64("voc_000456")],
                ]
            ]), contentType: "application/json")
        #expect(batch.images.map(\.pixels.width) == [353, 500] && batch.isBatch)
        for type in ["image/jpeg", "application/x-image", "IMAGE/JPEG; q=1"] {
            let raw = try await handler.inputFn(body: try Assets.photo("darknet_person"), contentType: type)
            #expect(raw.images[0].pixels.width == 640, "\(type)")
        }
    }

    @Test func badPayloadsAreTypedErrors() async throws {
        let handler = Self.handler(limits: ImageLimits(maxPixels: 100_000))
        let jpeg = try Assets.photo("darknet_dog")
        await Self.expectError("unsupported_media_type", status: 415) {
            _ = try await handler.inputFn(body: jpeg, contentType: "text/plain")
        }
        await Self.expectError("unsupported_media_type", status: 415) {
            _ = try await handler.inputFn(body: jpeg, contentType: String?.none)
        }
        await Self.expectError("invalid_json", status: 400) {
            _ = try await handler.inputFn(body: Array("{\"image\":".utf8), contentType: "application/json")
        }
        await Self.expectError("invalid_json", status: 400) {
            _ = try await handler.inputFn(body: Self.json(["picture": "x"]), contentType: "application/json")
        }
        await Self.expectError("invalid_base64", status: 400) {
            _ = try await handler.inputFn(body: Self.json(["image": "ab*d"]), contentType: "application/json")
        }
        await Self.expectError("unsupported_format", status: 400) {
            _ = try await handler.inputFn(
                body: Self.json(["image": Data("GIF89a....".utf8).base64EncodedString()]),
                contentType: "application/json")
        }
        await Self.expectError("truncated_image", status: 400) {
            _ = try await handler.inputFn(body: Array(jpeg.prefix(5000)), contentType: "image/jpeg")
        }
        await Self.expectError("image_too_large", status: 400) {
            _ = try await handler.inputFn(body: jpeg, contentType: "image/jpeg")
        }
        await Self.expectError("invalid_threshold", status: 400) {
            _ = try await handler.inputFn(
                body: Self.json(["image": "", "threshold": 2]), contentType: "application/json")
        }
        let five = Array(repeating: ["b64": "AAAA"], count: 5)
        await Self.expectError("batch_too_large", status: 400) {
            _ = try await handler.inputFn(body: Self.json(["instances": five]), contentType: "application/json")
        }
    }

    @Test func predictionsInBothFormats() async throws {
        let handler = Self.handler()
        let model = try await handler.modelFn(modelDirectory: Self.modelDirectory)
        let input = try await handler.inputFn(body: try Assets.photo("darknet_dog"), contentType: "image/jpeg")
        let prediction = try await handler.predictFn(input: input, model: model)
        #expect(prediction.results[0].detections.map(\.label) == ["bicycle", "car", "cat", "person"])

        let native = try await handler.outputFn(
            prediction: prediction, accept: handler.responseFormat(accept: "application/json"))
        let object = try JSONSerialization.jsonObject(with: Data(native.body)) as? [String: Any]
        #expect(native.contentType == "application/json")
        #expect(object?["model"] as? String == "detect.tflite" && object?["width"] as? Int == 768)
        let first = (object?["detections"] as? [[String: Any]])?.first
        #expect(first?["label"] as? String == "bicycle" && first?["class_id"] as? Int == 1)
        #expect((object?["timing_ms"] as? [String: Double])?["network"] != nil)

        let sagemaker = try await handler.outputFn(
            prediction: prediction, accept: handler.responseFormat(accept: "application/json; format=sagemaker"))
        let rows =
            (try JSONSerialization.jsonObject(with: Data(sagemaker.body)) as? [String: Any])?["prediction"]
            as? [[Double]]
        #expect(rows?.count == 4)
        #expect(rows?[0].count == 6 && rows?[0][0] == 1 && abs((rows?[0][1] ?? 0) - 0.73828125) < 1e-6)
        #expect(rows?.allSatisfy { $0[2...].allSatisfy { (0...1).contains($0) } } == true)

        await Self.expectError("not_acceptable", status: 406) {
            _ = try await handler.outputFn(prediction: prediction, accept: handler.responseFormat(accept: "text/html"))
        }
        await Self.expectError("not_acceptable", status: 406) {
            _ = try await handler.outputFn(
                prediction: prediction, accept: handler.responseFormat(accept: "application/json; format=xml"))
        }
        #expect(
            try await handler.outputFn(
                prediction: prediction, accept: handler.responseFormat(accept: "text/html;q=0.5, */*;q=0.9")
            ).contentType
                == "application/json")
    }

    @Test func classFilterAndBatches() async throws {
        let handler = Self.handler(format: .sagemaker)
        let model = try await handler.modelFn(modelDirectory: Self.modelDirectory)
        let body = Self.json([
            "instances": [["b64": try Self.base64("darknet_person")], ["b64": try Self.base64("voc_000456")]],
            "classes": ["person"],
        ])
        let (response, _) = try await handler.transform(
            body: body, contentType: "application/json", accept: nil, model: model)
        let predictions =
            (try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])?["predictions"]
            as? [[String: Any]]
        let rows = predictions?.map { $0["prediction"] as? [[Double]] ?? [] }
        #expect(rows?.count == 2)
        #expect(rows?[0].map { $0[0] } == [0])  // the person, not the sheep
        #expect(rows?[1].isEmpty == true)  // a bus only
    }

    @Test func maxDetectionsOverTheModelsAnchorsIs400NotACrash() async throws {
        let handler = Self.handler()
        let model = try await handler.modelFn(modelDirectory: Self.modelDirectory)
        for maximum in [1_099_511_627_776, 1918, Int.max] {
            let body = Self.json(["image": try Self.base64("darknet_dog"), "max_detections": maximum])
            await Self.expectError("invalid_max_detections", status: 400) {
                _ = try await handler.transform(body: body, contentType: "application/json", accept: nil, model: model)
            }
        }
        let widest = Self.json(["image": try Self.base64("darknet_dog"), "max_detections": 1917, "threshold": 0])
        let (response, _) = try await handler.transform(
            body: widest, contentType: "application/json", accept: nil, model: model)
        let detections =
            (try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])?["detections"] as? [Any]
        #expect((detections?.count ?? 0) > 10)
    }

    /// A batch whose decoding could never fit the budget is refused from the headers alone, and the budget is
    /// whole again after every request, failed or not.
    @Test func imagesAreDecodedOnlyWithinTheMemoryBudget() async throws {
        let handler = SSDHandler(
            configuration: .init(
                backend: { CPUBackend() }, requestLimits: .init(maximumBatch: 16),
                imageMemoryBytes: 64 << 20))
        // 16 pictures of 8 MP, 384 MB to decode, cut short after their headers: had anything been decoded before
        // the budget was asked, the answer would be truncated_image.
        let large = try RGBImage(width: 4000, height: 2000, pixels: [UInt8](repeating: 90, count: 4000 * 2000 * 3))
            .pngData()
        let headerOnly = Data(large.prefix(200)).base64EncodedString()
        let batch = Self.json(["instances": Array(repeating: ["b64": headerOnly], count: 16)])
        await Self.expectError("images_too_large", status: 413) {
            _ = try await handler.inputFn(body: batch, contentType: "application/json")
        }
        #expect(handler.imageMemory.available == 64 << 20)

        let truncatedSecond = Self.json([
            "instances": [
                ["b64": try Self.base64("darknet_dog")],
                ["b64": Data(try Assets.photo("darknet_dog").prefix(9000)).base64EncodedString()],
            ]
        ])
        await Self.expectError("truncated_image", status: 400) {
            _ = try await handler.inputFn(body: truncatedSecond, contentType: "application/json")
        }
        #expect(handler.imageMemory.available == 64 << 20)

        var input: SSDHandler.Input? = try await handler.inputFn(
            body: try Assets.photo("darknet_dog"), contentType: "image/jpeg")
        #expect(handler.imageMemory.available == (64 << 20) - 768 * 576 * 3, "a decoded image holds its pixels")
        input = nil
        #expect(handler.imageMemory.available == 64 << 20)
        _ = input
    }

    /// The warm-up sends a real request through every step, so a server that could not answer one never says ready.
    @Test func modelFnFailsWhenTheWarmUpRequestCannotBeServed() async throws {
        let handler = Self.handler(limits: ImageLimits(maxPixels: 100))
        await Self.expectError("internal_error", status: 500) {
            _ = try await handler.modelFn(modelDirectory: Self.modelDirectory)
        }
    }

    @Test func aFullQueueIsRefusedWith503() async throws {
        let handler = SSDHandler(
            configuration: .init(
                backend: { CPUBackend() }, layout: WorkerLayout(workers: 1, threadsPerWorker: 1), maximumQueue: 0))
        let pool = try await handler.modelFn(modelDirectory: Self.modelDirectory)
        let started = AsyncStream.makeStream(of: Void.self)
        async let busy: Void = pool.withDetector { _ in
            started.continuation.yield()
            Thread.sleep(forTimeInterval: 0.3)
        }
        for await _ in started.stream { break }
        await Self.expectError("overloaded", status: 503) { try await pool.withDetector { _ in } }
        try await busy
    }
}
