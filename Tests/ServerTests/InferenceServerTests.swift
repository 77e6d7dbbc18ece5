import CPUBackend
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImageIO
import Inference
import Logging
import NIOCore
import SSDService
import Server
import TestSupport
import Testing

/// Every route, content type and error status, in process; one test over a real socket; many requests at once.
struct InferenceServerTests {
    static let modelDirectory = Assets.defaultModelFolder.path

    static func ssdHandler(queue: Int = 8) -> SSDHandler {
        SSDHandler(
            configuration: .init(
                backend: { CPUBackend() }, layout: WorkerLayout(workers: 1, threadsPerWorker: 1), maximumQueue: queue))
    }

    static func server<H: InferenceHandler>(_ handler: H, maximumBody: Int = 6 << 20) -> InferenceServer<H> {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return InferenceServer(
            handler: handler,
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0,
                modelDirectory: modelDirectory, maximumBodyBytes: maximumBody), logger: logger)
    }

    static func waitUntilReady(_ client: some TestClientProtocol) async throws {
        for _ in 0..<500 {
            if try await client.execute(uri: "/ping", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the server never became ready")
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    static func errorCode(_ response: TestResponse) -> String? {
        (object(response)["error"] as? [String: Any])?["code"] as? String
    }

    static func labels(_ response: TestResponse) -> [String] {
        (object(response)["detections"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
    }

    @Test func invocationsInEveryContentType() async throws {
        let dog = try Assets.photo("darknet_dog")
        let png = try ImageDecoder().decode(try Assets.photo("voc_000456")).image.pngData()
        try await Self.server(Self.ssdHandler()).application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let ping = try await client.execute(uri: "/ping", method: .get)
            #expect(Self.object(ping)["status"] as? String == "ready")

            let json = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "application/json"],
                body: Self.json(["image": Data(dog).base64EncodedString()]))
            #expect(json.status == .ok)
            #expect(Self.labels(json) == ["bicycle", "car", "cat", "person"])
            #expect(json.headers[HTTPField.Name("X-Request-Id")!]?.count == 16)

            let raw = try await client.execute(
                uri: "/invocations", method: .post,
                headers: [.contentType: "image/jpeg", HTTPField.Name("X-Request-Id")!: "abc-123"],
                body: ByteBuffer(bytes: dog))
            #expect(Self.labels(raw) == ["bicycle", "car", "cat", "person"])
            #expect(raw.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")

            let fromPNG = try await client.execute(
                uri: "/invocations", method: .post,
                headers: [.contentType: "image/png", .accept: "application/json; format=sagemaker"],
                body: ByteBuffer(bytes: png))
            #expect((Self.object(fromPNG)["prediction"] as? [[Double]])?.first?.first == 5)  // bus

            let xImage = try await client.execute(
                uri: "/invocations", method: .post,
                headers: [.contentType: "application/x-image; charset=binary"], body: ByteBuffer(bytes: dog))
            #expect(xImage.status == .ok)
        }
    }

    @Test func errorsCarryTheirStatus() async throws {
        let dog = try Assets.photo("darknet_dog")
        try await Self.server(Self.ssdHandler(), maximumBody: 200_000).application().test(.router) { client in
            try await Self.waitUntilReady(client)
            func post(_ type: String, _ body: ByteBuffer, accept: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: type]
                if let accept { headers[.accept] = accept }
                return try await client.execute(uri: "/invocations", method: .post, headers: headers, body: body)
            }
            let cases: [(TestResponse, HTTPResponse.Status, String)] = [
                (
                    try await post("text/plain", ByteBuffer(string: "hello")), .unsupportedMediaType,
                    "unsupported_media_type"
                ),
                (try await post("application/json", ByteBuffer(string: "{\"image\": 3")), .badRequest, "invalid_json"),
                (try await post("application/json", Self.json(["image": "@@@@"])), .badRequest, "invalid_base64"),
                (try await post("image/jpeg", ByteBuffer(bytes: dog.prefix(4000))), .badRequest, "truncated_image"),
                (try await post("image/jpeg", ByteBuffer(string: "not an image")), .badRequest, "unsupported_format"),
                (
                    try await post("image/jpeg", ByteBuffer(bytes: dog), accept: "text/html"), .notAcceptable,
                    "not_acceptable"
                ),
                (try await post("image/jpeg", ByteBuffer(bytes: dog + dog)), .contentTooLarge, "payload_too_large"),
            ]
            for (response, status, code) in cases {
                #expect(response.status == status, "\(code)")
                #expect(Self.errorCode(response) == code)
                #expect(response.headers[.contentType] == "application/json")
            }
            #expect(try await client.execute(uri: "/nothing", method: .get).status == .notFound)

            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("ssd_invocations_total{status=\"400\"} 4"))
            #expect(metrics.contains("ssd_invocations_total{status=\"413\"} 1"))
            #expect(metrics.contains("ssd_invocation_duration_seconds_count 7"))
            #expect(metrics.contains("ssd_invocations_in_flight 0") && metrics.contains("ssd_model_ready 1"))
        }
    }

    @Test func notReadyUntilTheModelIsLoaded() async throws {
        let gate = Gate()
        try await Self.server(GatedHandler(base: Self.ssdHandler(), gate: gate)).application().test(.router) { client in
            let ping = try await client.execute(uri: "/ping", method: .get)
            #expect(ping.status == .serviceUnavailable && Self.errorCode(ping) == "not_ready")
            #expect(ping.headers[.retryAfter] == "1")
            let early = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "image/jpeg"],
                body: ByteBuffer(bytes: try Assets.photo("darknet_dog")))
            #expect(early.status == .serviceUnavailable)
            await gate.open()
            try await Self.waitUntilReady(client)
        }
    }

    @Test func aHandlerFaultIs500AndTheServerKeepsServing() async throws {
        try await Self.server(FaultyHandler(base: Self.ssdHandler())).application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let photo = ByteBuffer(bytes: try Assets.photo("darknet_person"))
            let fault = try await client.execute(
                uri: "/invocations", method: .post,
                headers: [.contentType: "image/jpeg", .accept: "application/json; fault=yes"], body: photo)
            #expect(fault.status == .internalServerError && Self.errorCode(fault) == "internal_error")
            let next = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "image/jpeg"], body: photo)
            #expect(Self.labels(next) == ["person", "sheep"])
        }
    }

    @Test func aFullQueueIs503WithRetryAfter() async throws {
        // The first request holds the only detector for 3 s, and the second is sent once it does: whatever the load
        // of the machine, the second finds the pool full.
        let held = Gate()
        let handler = HoldingHandler(base: Self.ssdHandler(queue: 0), hold: 3, held: held)
        try await Self.server(handler).application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let photo = ByteBuffer(bytes: try Assets.photo("darknet_person"))
            async let first = client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "image/jpeg"], body: photo)
            await held.wait()
            let second = try await client.execute(
                uri: "/invocations", method: .post, headers: [.contentType: "image/jpeg"], body: photo)
            #expect(second.status == .serviceUnavailable && Self.errorCode(second) == "overloaded")
            #expect(second.headers[.retryAfter] == "1")
            #expect(try await first.status == .ok)
        }
    }

    @Test func overARealSocketManyRequestsAtOnce() async throws {
        let photos = ["darknet_dog", "darknet_person", "voc_000456"]
        let expected = [["bicycle", "car", "cat", "person"], ["person", "sheep"], ["bus"]]
        let bodies = try photos.map { ByteBuffer(bytes: try Assets.photo($0)) }
        try await Self.server(Self.ssdHandler(queue: 64)).application().test(.live) { client in
            try await Self.waitUntilReady(client)
            try await withThrowingTaskGroup(of: (Int, TestResponse).self) { group in
                for i in 0..<24 {
                    group.addTask {
                        (
                            i % 3,
                            try await client.execute(
                                uri: "/invocations", method: .post,
                                headers: [.contentType: "image/jpeg"], body: bodies[i % 3])
                        )
                    }
                }
                var answered = 0
                for try await (photo, response) in group {
                    #expect(response.status == .ok)
                    #expect(Self.labels(response) == expected[photo])
                    answered += 1
                }
                #expect(answered == 24)
            }
        }
    }
}

/// Opens once.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// The SSD handler with a model that loads only when the gate opens.
struct GatedHandler: InferenceHandler {
    let base: SSDHandler
    let gate: Gate

    func modelFn(modelDirectory: String) async throws(InferenceError) -> DetectorPool {
        await gate.wait()
        return try await base.modelFn(modelDirectory: modelDirectory)
    }
    func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> SSDHandler.Input {
        try await base.inputFn(body: body, contentType: contentType)
    }
    func predictFn(input: SSDHandler.Input, model: DetectorPool) async throws(InferenceError) -> SSDHandler.Prediction {
        try await base.predictFn(input: input, model: model)
    }
    func responseFormat(accept: String?) throws(InferenceError) -> SSDHandler.OutputFormat {
        try base.responseFormat(accept: accept)
    }
    func outputFn(prediction: SSDHandler.Prediction, accept: SSDHandler.OutputFormat) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)
    {
        try await base.outputFn(prediction: prediction, accept: accept)
    }
}

/// The SSD handler, failing in outputFn when the Accept header asks for it.
struct FaultyHandler: InferenceHandler {
    let base: SSDHandler

    func modelFn(modelDirectory: String) async throws(InferenceError) -> DetectorPool {
        try await base.modelFn(modelDirectory: modelDirectory)
    }
    func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> SSDHandler.Input {
        try await base.inputFn(body: body, contentType: contentType)
    }
    func predictFn(input: SSDHandler.Input, model: DetectorPool) async throws(InferenceError) -> SSDHandler.Prediction {
        try await base.predictFn(input: input, model: model)
    }
    func outputFn(prediction: SSDHandler.Prediction, accept: String?) async throws(InferenceError) -> (
        body: [UInt8], contentType: String
    ) {
        if accept?.contains("fault=yes") == true { throw .internalError("the handler failed on purpose") }
        return try await base.outputFn(prediction: prediction, accept: base.responseFormat(accept: nil))
    }
}

/// The SSD handler, holding its detector for 400 ms before each prediction.
struct HoldingHandler: InferenceHandler {
    let base: SSDHandler
    /// How long each request holds its detector before it detects.
    var hold: TimeInterval = 0.4
    /// Opened once a request holds its detector, for a test that must act while it does.
    var held: Gate? = nil

    func modelFn(modelDirectory: String) async throws(InferenceError) -> DetectorPool {
        try await base.modelFn(modelDirectory: modelDirectory)
    }
    func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> SSDHandler.Input {
        try await base.inputFn(body: body, contentType: contentType)
    }
    func predictFn(input: SSDHandler.Input, model: DetectorPool) async throws(InferenceError) -> SSDHandler.Prediction {
        let (hold, held) = (hold, held)
        try await model.withDetector { _ in
            if let held { Task { await held.open() } }
            Thread.sleep(forTimeInterval: hold)
        }
        return try await base.predictFn(input: input, model: model)
    }
    func responseFormat(accept: String?) throws(InferenceError) -> SSDHandler.OutputFormat {
        try base.responseFormat(accept: accept)
    }
    func outputFn(prediction: SSDHandler.Prediction, accept: SSDHandler.OutputFormat) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)
    {
        try await base.outputFn(prediction: prediction, accept: accept)
    }
}
