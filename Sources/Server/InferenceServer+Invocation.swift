import HTTPTypes
import Hummingbird
import Inference
import Logging
import NIOCore

extension InferenceServer {
    /// One `POST /invocations`: admitted or refused as it arrives, then read, transformed, logged and counted.
    func invocation(_ request: Request, context: BasicRequestContext) async -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let requestID = RequestID.sanitized(request.headers[.requestID] ?? request.headers[.amazonRequestID])
        metrics.begin()
        var logger = context.logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        var bodyRead = false
        var response: Response
        do throws(InferenceError) {
            response = try await respond(to: request, bodyRead: &bodyRead)
        } catch {
            response = error.response
            if foundation.closesConnection(after: error, request: request, bodyRead: bodyRead) {
                response.headers[.connection] = "close"
            }
        }
        response.headers[.requestID] = requestID
        let cutOff = Task.isCancelled
        let milliseconds = (clock.now - start).milliseconds
        metrics.end(status: Int(response.status.code), seconds: milliseconds / 1000, cutOff: cutOff)
        let metadata: Logger.Metadata = [
            "status": "\(response.status.code)", "ms": "\((milliseconds * 10).rounded() / 10)",
        ]
        if cutOff {
            logger.error("invocation cut off by the shutdown grace period", metadata: metadata)
        } else if response.status.code == 503 {
            // Refusals are the server working as designed, counted in /metrics; under overload they come by the
            // thousand a second, and a line each would cost more than the refusal itself.
            logger.debug("invocation refused", metadata: metadata)
        } else if response.status.code >= 500 {
            logger.warning("invocation failed", metadata: metadata)
        } else {
            logger.info("invocation", metadata: metadata)
        }
        return response
    }

    private func respond(to request: Request, bodyRead: inout Bool) async throws(InferenceError) -> Response {
        try await foundation.admitted(request, bodyRead: &bodyRead) { (body, model) throws(InferenceError) in
            // The bytes once: the buffer goes as the array is made, the array once inputFn is done with it.
            let (bytes, contentType) = try await handler.transform(
                body: Array(buffer: consume body), contentType: request.headers[.contentType],
                accept: request.headers[.accept],
                model: model)
            return Response(
                status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
