import FuzzSupport
import KServe

/// A KServe v2 body, as the worker reads an inference request and the remote backend reads a response or model
/// metadata: the first 4 bytes (little-endian) are the Inference-Header-Content-Length (0: none), the rest the
/// body. An accepted request must hold exactly its shapes' bytes and read back the same once encoded.
@main
enum FuzzKServe {
    static func main() {
        Fuzzer.run { bytes in
            guard bytes.count >= 4 else { return }
            let field = bytes.prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let headerLength = field == 0 ? nil : field
            let body = Array(bytes.dropFirst(4))
            let limits = InferenceRequest.Limits(maximumTensors: 8, maximumElements: 1 << 16)
            if let request = try? InferenceRequest(body: body, headerLength: headerLength, limits: limits) {
                for input in request.inputs {
                    precondition(input.bytes.count == input.metadata.byteCount, "\(input.name): wrong byte count")
                }
                let (encoded, length) = request.encoded()
                let decoded = try? InferenceRequest(body: encoded, headerLength: length, limits: limits)
                precondition(decoded == request, "an accepted request does not read back the same")
            }
            _ = try? InferenceResponse(body: body, headerLength: headerLength, limits: limits)
            _ = try? ModelMetadata(body: body, limits: limits)
        }
    }
}
