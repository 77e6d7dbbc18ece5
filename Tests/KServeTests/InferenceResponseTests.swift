import Foundation
import KServe
import Testing

/// Responses as the worker writes them and the remote backend reads them: JSON data, binary data, or both.
struct InferenceResponseTests {
    static let floats: [Float] = [0.1, -1e-7, 3.4028235e38, 16_777_215, .leastNonzeroMagnitude, 1]

    static func floatTensor() -> InferenceTensor {
        InferenceTensor(
            name: "scores", datatype: .fp32, shape: [2, 3], bytes: floats.withUnsafeBytes { Array($0) })
    }

    @Test(arguments: [[false, false], [true, true], [false, true]])
    func responsesRoundTripExactly(binary: [Bool]) throws {
        let response = InferenceResponse(
            modelName: "m", id: "r",
            outputs: [Self.floatTensor(), .init(name: "boxes", datatype: .uint8, shape: [3], bytes: [0, 128, 255])])
        let (body, headerLength) = response.encoded(binary: binary)
        #expect((headerLength != nil) == binary.contains(true))
        #expect(try InferenceResponse(body: body, headerLength: headerLength) == response)
    }

    @Test func jsonDataIsWhatPythonsJSONReads() throws {
        let (body, _) = InferenceResponse(modelName: "m", outputs: [Self.floatTensor()]).encoded(binary: [false])
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let outputs = object?["outputs"] as? [[String: Any]]
        let data = (outputs?.first?["data"] as? [NSNumber])?.map { Float($0.doubleValue) }
        #expect(data == Self.floats)
        #expect(object?["model_name"] as? String == "m")
    }

    @Test func metadataRoundTrips() throws {
        let metadata = ModelMetadata(
            name: "ssd", platform: "ssd-detect-cpu",
            inputs: [.init(name: "image", datatype: .uint8, shape: [1, 300, 300, 3])],
            outputs: [.init(name: "boxes", datatype: .fp32, shape: [1, 1917, 4])])
        #expect(try ModelMetadata(body: metadata.encoded) == metadata)
    }

    @Test func errorsAreTheProtocolsShape() throws {
        let body = KServeError.badRequest("bad \"x\"\n").body
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: String]
        #expect(object == ["error": "bad \"x\"\n"])
    }
}
