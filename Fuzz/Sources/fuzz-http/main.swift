import FuzzSupport
import RemoteBackend

/// An HTTP/1.1 response as the remote backend reads it from a worker: the first byte picks where the rest is split
/// into two arrivals, then the connection closes. A response must respect the bounds, and reading the same bytes
/// whole must give the same outcome.
@main
enum FuzzHTTP {
    static func outcome(_ pieces: [ArraySlice<UInt8>]) -> Result<HTTPResponse?, HTTPResponseError> {
        var parser = HTTPResponseParser(maximumHeadBytes: 4096, maximumBodyBytes: 1 << 16)
        do throws(HTTPResponseError) {
            for piece in pieces {
                try parser.append(piece)
                if let response = try parser.response(atEnd: false) { return .success(response) }
            }
            return .success(try parser.response(atEnd: true))
        } catch {
            return .failure(error)
        }
    }

    static func main() {
        Fuzzer.run { bytes in
            guard let first = bytes.first else { return }
            let rest = Array(bytes.dropFirst())
            let split = rest.isEmpty ? 0 : Int(first) % (rest.count + 1)
            let pieces = outcome([rest[..<split], rest[split...]])
            if case .success(let response?) = pieces {
                precondition(response.body.count <= 1 << 16, "a body over its bound")
                precondition((100...999).contains(response.status), "a status out of range")
                precondition(response.fields.count <= HTTPResponseParser.maximumFields, "too many fields")
            }
            // An answer complete before the split may leave bytes that the whole read sees as extra: only a
            // keep-alive flag may differ then.
            let whole = outcome([rest[...]])
            switch (pieces, whole) {
            case (.success(let a?), .success(let b?)):
                precondition(a.status == b.status && a.body == b.body, "split and whole reads differ")
            case (.failure, .failure), (.success(nil), .success(nil)): break
            default: preconditionFailure("split and whole reads differ: \(pieces) vs \(whole)")
            }
        }
    }
}
