import CPUBackend
import Foundation
import Inference
import PeopleCounter
import SSDService
import TestSupport
import Testing

/// The custom-handler sample, through the same `transform` the server calls.
struct PeopleCounterHandlerTests {
    @Test func countsOnlyPeople() async throws {
        let handler = PeopleCounterHandler(
            base: SSDHandler(
                configuration: .init(
                    backend: { CPUBackend() },
                    layout: WorkerLayout(workers: 1, threadsPerWorker: 1))))
        let model = try await handler.modelFn(modelDirectory: SSDHandlerTests.modelDirectory)
        let body = SSDHandlerTests.json([
            "instances": [
                ["b64": try SSDHandlerTests.base64("darknet_person")],
                ["b64": try SSDHandlerTests.base64("voc_001150")], ["b64": try SSDHandlerTests.base64("voc_000456")],
            ]
        ])
        let (response, contentType) = try await handler.transform(
            body: body, contentType: "application/json",
            accept: nil, model: model)
        #expect(contentType == "application/json")
        let counts = try JSONSerialization.jsonObject(with: Data(response)) as? [[String: Any]]
        #expect(counts?.map { $0["people"] as? Int } == [1, 5, 0])  // the sheep, the dogs and the bus are not counted
        #expect((counts?[0]["boxes"] as? [[Double]])?.first?.count == 4)
        // Keys sorted: the same answer is the same bytes, run after run.
        #expect(String(decoding: response, as: UTF8.self).hasSuffix(#"{"boxes":[],"people":0}]"#))
    }
}
