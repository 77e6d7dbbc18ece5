import KServe
import Testing

/// Requests as tritonclient and the kserve SDK write them (JSON data, nested or flat; the binary tensor data
/// extension), and every malformed one refused with a 400 that names what is wrong.
struct InferenceRequestTests {
    static func parse(_ json: String, binary: [UInt8] = [], headerLength: Int? = nil) throws(KServeError)
        -> InferenceRequest
    {
        let body = Array(json.utf8) + binary
        return try InferenceRequest(
            body: body, headerLength: headerLength ?? (binary.isEmpty ? nil : json.utf8.count),
            limits: .init(maximumTensors: 4, maximumElements: 1000, maximumNameLength: 16, maximumJSONBytes: 1000))
    }

    @Test func jsonDataNestedOrFlatGivesLittleEndianBytes() throws {
        let nested = try Self.parse(
            #"{"id":"r1","inputs":[{"name":"x","datatype":"INT16","shape":[2,2],"data":[[1,-2],[300,-32768]]}]}"#)
        let flat = try Self.parse(
            #"{"id":"r1","inputs":[{"name":"x","datatype":"INT16","shape":[2,2],"data":[1,-2,300,-32768]}]}"#)
        #expect(nested == flat)
        #expect(nested.id == "r1")
        #expect(nested.inputs[0].bytes == [1, 0, 0xFE, 0xFF, 0x2C, 0x01, 0x00, 0x80])
        #expect(nested.outputs == nil)
        #expect(!nested.binaryOutputs)
    }

    @Test func floatsAndBooleansConvert() throws {
        let request = try Self.parse(
            #"{"inputs":[{"name":"f","datatype":"FP32","shape":[2],"data":[0.1,-2]},"#
                + #"{"name":"b","datatype":"BOOL","shape":[2],"data":[true,false]}]}"#)
        let floats = request.inputs[0].bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(floats == [0.1, -2])
        #expect(request.inputs[1].bytes == [1, 0])
    }

    @Test func binaryDataFollowsTheHeaderInOrder() throws {
        let header =
            #"{"inputs":[{"name":"a","datatype":"UINT8","shape":[3],"parameters":{"binary_data_size":3}},"#
            + #"{"name":"b","datatype":"UINT8","shape":[1],"data":[9]},"#
            + #"{"name":"c","datatype":"UINT16","shape":[1],"parameters":{"binary_data_size":2}}],"#
            + #""outputs":[{"name":"y","parameters":{"binary_data":false}},{"name":"z"}],"#
            + #""parameters":{"binary_data_output":true}}"#
        let request = try Self.parse(header, binary: [1, 2, 3, 4, 5])
        #expect(request.inputs.map(\.bytes) == [[1, 2, 3], [9], [4, 5]])
        #expect(request.outputs == [.init(name: "y", binary: false), .init(name: "z", binary: nil)])
        #expect(request.binaryOutputs)
    }

    @Test func encodingRoundTrips() throws {
        let request = InferenceRequest(
            id: "q\"1", inputs: [.init(name: "x", datatype: .uint8, shape: [1, 2], bytes: [7, 255])],
            outputs: [.init(name: "y", binary: true)], binaryOutputs: true)
        let (body, headerLength) = request.encoded()
        #expect(try InferenceRequest(body: body, headerLength: headerLength) == request)
    }

    static let refusals: [(String, [UInt8], Int?, String)] = [
        (#"{"inputs":[]}"#, [], 0, "Inference-Header-Content-Length"),
        (#"{"inputs":[]}"#, [], 99, "Inference-Header-Content-Length"),
        ("{", [], nil, "not valid JSON"),
        ("[1]", [], nil, "must be an object"),
        ("{}", [], nil, "'inputs' is missing"),
        (#"{"inputs":[]}"#, [], nil, "list of 1...4"),
        (#"{"inputs":[1,2,3,4,5]}"#, [], nil, "list of 1...4"),
        (#"{"inputs":[{"datatype":"UINT8","shape":[1],"data":[1]}]}"#, [], nil, "name must be a string"),
        (#"{"inputs":[{"name":"aaaaaaaaaaaaaaaaa","datatype":"UINT8","shape":[1],"data":[1]}]}"#, [], nil, "1...16"),
        (#"{"inputs":[{"name":"x","datatype":"BYTES","shape":[1],"data":["a"]}]}"#, [], nil, "datatype must be"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[-1],"data":[1]}]}"#, [], nil, ">= 0"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1.5],"data":[1]}]}"#, [], nil, ">= 0"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[true],"data":[1]}]}"#, [], nil, ">= 0"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1,1,1,1,1,1,1,1,1],"data":[1]}]}"#, [], nil, "at most 8"),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[4294967296,4294967296],"data":[1]}]}"#, [], nil,
            "over 1000 elements"
        ),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[2],"data":[1]}]}"#, [], nil, "holds 1 values"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1,2,3]}]}"#, [], nil, "values"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[256]}]}"#, [], nil, "not a UINT8"),
        (#"{"inputs":[{"name":"x","datatype":"INT8","shape":[1],"data":[0.5]}]}"#, [], nil, "not a INT8"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[true]}]}"#, [], nil, "must hold numbers"),
        (#"{"inputs":[{"name":"x","datatype":"BOOL","shape":[1],"data":[1]}]}"#, [], nil, "true or false"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":["1"]}]}"#, [], nil, "numbers, found a string"),
        (#"{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1e39]}]}"#, [], nil, "not a FP32"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1]}]}"#, [], nil, "neither data nor"),
        (#"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"parameters":5}]}"#, [], nil, "must be an object"),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[2],"parameters":{"binary_data_size":3}}]}"#,
            [1, 2, 3], nil, "binary_data_size must be 2"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[4],"parameters":{"binary_data_size":4}}]}"#,
            [1, 2], nil, "2 are left"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"parameters":{"binary_data_size":1}}]}"#,
            [1, 2], nil, "belong to no tensor"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1],"parameters":{"binary_data_size":1}}]}"#,
            [1], nil, "both data and binary"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1]},"#
                + #"{"name":"x","datatype":"UINT8","shape":[1],"data":[1]}]}"#, [], nil, "listed twice"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1]}],"outputs":{}}"#, [], nil,
            "'outputs' must be a list"
        ),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1]}],"outputs":[{"name":"y","#
                + #""parameters":{"binary_data":"yes"}}]}"#, [], nil, "must be true or false"
        ),
        (#"{"id":7,"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1]}]}"#, [], nil, "id must be"),
        (String(repeating: "[", count: 400) + String(repeating: "]", count: 400), [], nil, "JSON"),
        (
            #"{"inputs":[{"name":"x","datatype":"UINT8","shape":[1],"data":[1"# + String(repeating: ",1", count: 500)
                + "]}]}", [], nil, "send large tensors as binary"
        ),
    ]

    @Test(arguments: refusals)
    func malformedRequestsAreRefusedSayingWhy(json: String, binary: [UInt8], headerLength: Int?, reason: String) {
        do {
            let request = try Self.parse(json, binary: binary, headerLength: headerLength)
            Issue.record("accepted: \(request)")
        } catch {
            #expect(error.status == (reason.contains("send large tensors") ? 413 : 400))
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func inputsAreCheckedAgainstTheModel() throws {
        let model = [TensorMetadata(name: "x", datatype: .uint8, shape: [1, 2])]
        let request = InferenceRequest(inputs: [.init(name: "x", datatype: .uint8, shape: [2, 1], bytes: [1, 2])])
        #expect(throws: KServeError.badRequest("input 'x' is UINT8 [2, 1]; the model takes UINT8 [1, 2]")) {
            try request.checkInputs(against: model)
        }
        #expect(throws: KServeError.badRequest("input 'x' is missing")) {
            try InferenceRequest(inputs: [.init(name: "y", datatype: .uint8, shape: [1, 2], bytes: [1, 2])])
                .checkInputs(against: model + [.init(name: "y", datatype: .uint8, shape: [1, 2])])
        }
        let outputs = [TensorMetadata(name: "a", datatype: .fp32, shape: [1])]
        #expect(throws: KServeError.self) {
            try InferenceRequest(inputs: [], outputs: [.init(name: "b")]).selectOutputs(of: outputs)
        }
        let all = try InferenceRequest(inputs: [], binaryOutputs: true).selectOutputs(of: outputs)
        #expect(all.map(\.index) == [0] && all.map(\.binary) == [true])
    }
}
