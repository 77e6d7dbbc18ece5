import Dispatch
import HTTPTypes
import Hummingbird
import Inference
import KServe
import NIOCore

extension HTTPField.Name {
    /// The binary tensor data extension's header: the length of the JSON part of a body.
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
    /// The W3C header in which the worker reports its queue and compute time (`ServerTiming`).
    static let serverTiming = HTTPField.Name("Server-Timing")!
}

extension KServeServer {
    /// One `POST /v2/models/{name}/infer`: admitted as it arrives (or refused), read, parsed, checked against the
    /// model, run, encoded with the outputs binary or JSON as asked; counted and logged.
    func infer(_ request: Request, context: BasicRequestContext) async -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        metrics.begin()
        var bodyRead = false
        var response: Response
        do throws(InferenceError) {
            response = try await foundation.admitted(request, bodyRead: &bodyRead) { (body, _) throws(InferenceError) in
                await answer(request, body: Array(buffer: consume body), context: context)
            }
        } catch {
            response = self.error(KServeError(status: error.status, error.message))
            if foundation.closesConnection(after: error, request: request, bodyRead: bodyRead) {
                response.headers[.connection] = "close"
            }
        }
        let milliseconds = (clock.now - start).milliseconds
        metrics.end(status: Int(response.status.code), seconds: milliseconds / 1000, cutOff: Task.isCancelled)
        if response.status.code >= 500 && response.status.code != 503 {
            logger.warning("inference failed", metadata: ["status": "\(response.status.code)"])
        }
        return response
    }

    private func answer(_ request: Request, body: [UInt8], context: BasicRequestContext) async -> Response {
        do throws(KServeError) {
            let model = try self.model(named: context)
            var headerLength: Int?
            if let field = request.headers[.inferenceHeaderContentLength] {
                guard let length = Int(field) else {
                    throw .badRequest("Inference-Header-Content-Length '\(field)' is not a number")
                }
                headerLength = length
            }
            let (limits, length) = (limits, headerLength)
            // A small JSON part (binary tensors) parses in microseconds, here; a large one is parsed off the
            // cooperative threads (they answer the health checks), one at a time, as parsed JSON takes about 90 bytes
            // a number.
            let inference: InferenceRequest
            if (headerLength ?? body.count) > Self.largeJSONBytes {
                inference = try await Self.largeJSONQueue.offloaded { () throws(KServeError) in
                    try InferenceRequest(body: body, headerLength: length, limits: limits)
                }
            } else {
                inference = try InferenceRequest(body: body, headerLength: length, limits: limits)
            }
            let metadata = model.metadata
            try inference.checkInputs(against: metadata.inputs)
            let selected = try inference.selectOutputs(of: metadata.outputs)
            let modelAnswer = try await model.infer(inference)
            let outputs = modelAnswer.outputs
            guard outputs.map(\.metadata) == metadata.outputs else {
                throw KServeError(status: 500, "the model's outputs are not the ones its metadata lists")
            }
            let reply = InferenceResponse(
                modelName: metadata.name, id: inference.id, outputs: selected.map { outputs[$0.index] })
            let binary = selected.map(\.binary)
            // Binary outputs are a copy; JSON ones are written number by number, off the cooperative threads.
            let (bytes, replyHeaderLength) =
                binary.allSatisfy { $0 }
                ? reply.encoded(binary: binary) : await Self.parsingQueue.offloaded { reply.encoded(binary: binary) }
            var headers: HTTPFields = [
                .contentType: replyHeaderLength == nil ? "application/json" : "application/octet-stream"
            ]
            if let replyHeaderLength { headers[.inferenceHeaderContentLength] = "\(replyHeaderLength)" }
            if let timing = modelAnswer.timing.headerValue { headers[.serverTiming] = timing }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            return self.error(error)
        }
    }

    /// A JSON part larger than this is parsed on `largeJSONQueue`, one at a time.
    static var largeJSONBytes: Int { 64 << 10 }

    /// Parsing and encoding, as wide as the machine's cores.
    static var parsingQueue: DispatchQueue { kserveParsingQueue }

    /// Large JSON parts, serially: at most one request's boxed numbers (up to about 360 MB for the 4 MB bound)
    /// exist at a time.
    static var largeJSONQueue: DispatchQueue { kserveLargeJSONQueue }
}

private let kserveParsingQueue = DispatchQueue(
    label: "ssd-detect.kserve.parse", qos: .userInitiated, attributes: .concurrent)
private let kserveLargeJSONQueue = DispatchQueue(label: "ssd-detect.kserve.large-json", qos: .userInitiated)
