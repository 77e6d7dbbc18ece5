import HTTPTypes
import Hummingbird
import Inference
import KServe
import NIOCore

extension HTTPField.Name {
    /// The binary tensor data extension's header: the length of the JSON part of a body.
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!
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
                await answer(request, body: Array(buffer: body), context: context)
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
            let inference = try InferenceRequest(body: body, headerLength: headerLength, limits: limits)
            let metadata = model.metadata
            try inference.checkInputs(against: metadata.inputs)
            let selected = try inference.selectOutputs(of: metadata.outputs)
            let outputs = try await model.infer(inference)
            let reply = InferenceResponse(
                modelName: metadata.name, id: inference.id, outputs: selected.map { outputs[$0.index] })
            let (bytes, replyHeaderLength) = reply.encoded(binary: selected.map(\.binary))
            var headers: HTTPFields = [
                .contentType: replyHeaderLength == nil ? "application/json" : "application/octet-stream"
            ]
            if let replyHeaderLength { headers[.inferenceHeaderContentLength] = "\(replyHeaderLength)" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            return self.error(error)
        }
    }
}
