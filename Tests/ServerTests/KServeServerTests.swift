import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inference
import KServe
import Logging
import NIOCore
import Server
import Testing

/// A model that doubles its UINT8 input into FP32: fast, and its answers are known.
struct DoublingModel: TensorModel {
    let metadata = ModelMetadata(
        name: "double", platform: "test", inputs: [.init(name: "x", datatype: .uint8, shape: [1, 4])],
        outputs: [.init(name: "y", datatype: .fp32, shape: [1, 4]), .init(name: "z", datatype: .uint8, shape: [1])])

    func infer(_ request: InferenceRequest) async throws(KServeError) -> ModelAnswer {
        let doubled = request.inputs[0].bytes.map { Float($0) * 2 }
        return ModelAnswer(
            outputs: [
                .init(name: "y", datatype: .fp32, shape: [1, 4], bytes: doubled.withUnsafeBytes { Array($0) }),
                .init(name: "z", datatype: .uint8, shape: [1], bytes: [42]),
            ], timing: ServerTiming(compute: .microseconds(1250)))
    }
}

/// The worker's routes, in process: health, metadata, inference with JSON and binary tensors, and the errors.
struct KServeServerTests {
    static func server(gate: Gate? = nil) -> KServeServer<DoublingModel> {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return KServeServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, modelDirectory: "test"), logger: logger
        ) { () throws(InferenceError) in
            await gate?.wait()
            return DoublingModel()
        }
    }

    static func waitUntilReady(_ client: some TestClientProtocol) async throws {
        for _ in 0..<500 {
            if try await client.execute(uri: "/v2/health/ready", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
    }

    @Test func readinessIsFalseUntilTheModelLoads() async throws {
        let gate = Gate()
        try await Self.server(gate: gate).application().test(.router) { client in
            #expect(try await client.execute(uri: "/v2/health/live", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v2/health/ready", method: .get).status == .badRequest)
            let early = try await client.execute(
                uri: "/v2/models/double/infer", method: .post, body: ByteBuffer(string: "{}"))
            #expect(early.status == .serviceUnavailable)
            await gate.open()
            try await Self.waitUntilReady(client)
            #expect(try await client.execute(uri: "/v2/models/double/ready", method: .get).status == .ok)
        }
    }

    @Test func metadataNamesTheTensorsAndUnknownModelsAre404() async throws {
        try await Self.server().application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let metadata = try await client.execute(uri: "/v2/models/double", method: .get)
            #expect(try ModelMetadata(body: Array(buffer: metadata.body)) == DoublingModel().metadata)
            let server = try Self.json(try await client.execute(uri: "/v2", method: .get))
            #expect(server["extensions"] as? [String] == ["binary_tensor_data"])
            for uri in ["/v2/models/other", "/v2/models/double/versions/2", "/v2/models/other/ready"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try Self.json(response)["error"] is String)
            }
        }
    }

    @Test func jsonRequestsGetJSONAnswers() async throws {
        try await Self.server().application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let body =
                #"{"id":"7","inputs":[{"name":"x","datatype":"UINT8","shape":[1,4],"data":[1,2,3,255]}],"#
                + #""outputs":[{"name":"y"}]}"#
            let response = try await client.execute(
                uri: "/v2/models/double/versions/1/infer", method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let answer = try Self.json(response)
            let outputs = answer["outputs"] as? [[String: Any]]
            #expect(answer["id"] as? String == "7" && answer["model_name"] as? String == "double")
            #expect(outputs?.count == 1)
            #expect((outputs?.first?["data"] as? [NSNumber])?.map(\.doubleValue) == [2, 4, 6, 510])
        }
    }

    @Test func binaryRequestsGetBinaryAnswers() async throws {
        try await Self.server().application().test(.router) { client in
            try await Self.waitUntilReady(client)
            let request = InferenceRequest(
                inputs: [.init(name: "x", datatype: .uint8, shape: [1, 4], bytes: [0, 1, 2, 3])], binaryOutputs: true)
            let (body, headerLength) = request.encoded()
            let response = try await client.execute(
                uri: "/v2/models/double/infer", method: .post,
                headers: [HTTPField.Name("Inference-Header-Content-Length")!: "\(headerLength)"],
                body: ByteBuffer(bytes: body))
            #expect(response.status == .ok)
            let length = response.headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap(Int.init)
            let answer = try InferenceResponse(body: Array(buffer: response.body), headerLength: length)
            #expect(answer.outputs.map(\.name) == ["y", "z"])
            #expect(answer.outputs[0].bytes == [Float(0), 2, 4, 6].withUnsafeBytes { Array($0) })
            #expect(answer.outputs[1].bytes == [42])
            #expect(response.headers[HTTPField.Name("Server-Timing")!] == "compute;dur=1.250")
        }
    }

    @Test(
        arguments: [
            ("{", nil, "not valid JSON"),
            (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[4],"data":[1,2,3,4]}]}"#, nil, "the model takes"),
            (#"{"inputs":[{"name":"w","datatype":"UINT8","shape":[1,4],"data":[1,2,3,4]}]}"#, nil, "no input 'w'"),
            (
                #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1,4],"data":[1,2,3,4]}],"outputs":[{"name":"q"}]}"#,
                nil, "no output 'q'"
            ),
            (#"{"inputs":[]}"#, "x", "not a number"),
            (#"{"inputs":[]}"#, "99", "Inference-Header-Content-Length"),
        ] as [(String, String?, String)])
    func malformedInferencesAre400(body: String, headerLength: String?, reason: String) async throws {
        try await Self.server().application().test(.router) { client in
            try await Self.waitUntilReady(client)
            var headers: HTTPFields = [:]
            if let headerLength { headers[HTTPField.Name("Inference-Header-Content-Length")!] = headerLength }
            let response = try await client.execute(
                uri: "/v2/models/double/infer", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            let message = try Self.json(response)["error"] as? String ?? ""
            #expect(message.contains(reason), "\(message)")
        }
    }
}
