/// Frames one HTTP/1.1 response from bytes as they arrive: the head (status line and fields), then the body by
/// `Content-Length`, by chunked transfer coding, or up to the connection's close. Interim 1xx responses are
/// skipped. Everything comes from another process and is bounded: the head, the body, the raw bytes a chunked
/// body may take, the number of fields.
///
/// Bytes are received straight into the parser's storage (`receive`), which is kept between exchanges so that a
/// keep-alive connection allocates nothing per request once it has seen its largest answer. Public for the fuzz
/// target.
public struct HTTPResponseParser {
    /// The most bytes a head (status line and fields) may take.
    public let maximumHeadBytes: Int
    /// The most bytes a body may have, after chunked decoding.
    public let maximumBodyBytes: Int
    /// The most fields a head may have.
    public static let maximumFields = 128
    /// The most bytes one chunk-size line or trailer line may take.
    public static let maximumChunkLineBytes = 1024

    private var storage: [UInt8] = []
    /// Bytes of `storage` received.
    private var filled = 0
    /// Where the current response's head starts (after interim responses).
    private var start = 0
    /// How far the search for the head's end has gone.
    private var scanned = 0
    private var head: Head?

    /// A parsed head and how its body is framed.
    private struct Head {
        var status: Int
        var fields: [HTTPResponse.HTTPField]
        var keepAlive: Bool
        var framing: Framing
        /// Where its body starts in `storage`.
        var bodyStart: Int
    }

    private enum Framing {
        case length(Int)
        case chunked(ChunkedBody)
        case untilClose
    }

    /// A chunked body decoded so far.
    private struct ChunkedBody {
        var decoded: [UInt8] = []
        /// Where the next chunk-size line (or, once `finishing`, the next trailer line) starts.
        var position: Int
        /// The last chunk was read; trailer lines follow until an empty one.
        var finishing = false
    }

    /// A parser for responses of at most `maximumHeadBytes` of head and `maximumBodyBytes` of body.
    public init(maximumHeadBytes: Int = 64 << 10, maximumBodyBytes: Int) {
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// The most raw bytes one response may take: its head, and its body with room for chunk framing.
    private var maximumRawBytes: Int { maximumHeadBytes + 2 * maximumBodyBytes + 64 << 10 }

    /// Forgets the last response, keeping the storage for the next.
    public mutating func reset() {
        filled = 0
        start = 0
        scanned = 0
        head = nil
    }

    /// Hands `read` free storage to fill (at least 64 KB, or what the bound leaves) and keeps the bytes it says it
    /// wrote; `read`'s result otherwise (0 for the end of the stream, negative for an error) is returned as is.
    /// Throws `tooLarge` when the response has used up its bound of raw bytes.
    public mutating func receive(_ read: (UnsafeMutableRawBufferPointer) -> Int) throws(HTTPResponseError) -> Int {
        let room = maximumRawBytes - filled
        guard room > 0 else { throw .tooLarge("over \(maximumRawBytes) bytes") }
        let wanted = min(room, 64 << 10)
        if storage.count - filled < wanted {
            storage.append(contentsOf: repeatElement(0, count: max(wanted, storage.count) - (storage.count - filled)))
        }
        let count = storage.withUnsafeMutableBytes {
            read(UnsafeMutableRawBufferPointer(rebasing: $0[filled..<filled + wanted]))
        }
        if count > 0 { filled += min(count, wanted) }
        return count
    }

    /// Appends bytes as if received (for tests and fuzzing).
    public mutating func append(_ bytes: some Collection<UInt8>) throws(HTTPResponseError) {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            _ = try receive { buffer in
                let count = min(buffer.count, remaining.count)
                buffer.copyBytes(from: remaining.prefix(count))
                remaining = remaining.dropFirst(count)
                return count
            }
        }
    }

    /// The response, once its bytes are all in; nil while more are needed. `atEnd`: the connection closed and no
    /// more bytes will come. A response followed by unasked-for bytes is marked not to keep the connection.
    public mutating func response(atEnd: Bool) throws(HTTPResponseError) -> HTTPResponse? {
        while head == nil {
            guard let headEnd = findHeadEnd() else {
                if filled - start > maximumHeadBytes { throw .tooLarge("a head over \(maximumHeadBytes) bytes") }
                if atEnd { throw .truncated }
                return nil
            }
            guard headEnd - start <= maximumHeadBytes else {
                throw .tooLarge("a head over \(maximumHeadBytes) bytes")
            }
            let parsed = try parseHead(storage[start..<headEnd], bodyStart: headEnd)
            if (100...199).contains(parsed.status) {
                // An interim response (100 Continue, 103 Early Hints): the final one follows.
                guard parsed.status != 101 else { throw .malformed("a switch of protocols (101) was not asked for") }
                start = headEnd
                scanned = headEnd
                continue
            }
            head = parsed
        }
        guard var head else { return nil }
        let body: [UInt8]
        let end: Int
        switch head.framing {
        case .length(let length):
            guard filled - head.bodyStart >= length else {
                if atEnd { throw .truncated }
                return nil
            }
            body = Array(storage[head.bodyStart..<head.bodyStart + length])
            end = head.bodyStart + length
        case .untilClose:
            guard filled - head.bodyStart <= maximumBodyBytes else {
                throw .tooLarge("a body over \(maximumBodyBytes) bytes")
            }
            guard atEnd else { return nil }
            body = Array(storage[head.bodyStart..<filled])
            end = filled
            head.keepAlive = false
        case .chunked(var chunked):
            let finished = try decodeChunks(&chunked)
            head.framing = .chunked(chunked)
            self.head = head
            guard let finished else {
                if atEnd { throw .truncated }
                return nil
            }
            body = chunked.decoded
            end = finished
        }
        return HTTPResponse(
            status: head.status, fields: head.fields, body: body, keepAlive: head.keepAlive && end == filled && !atEnd)
    }

    /// The index just past the blank line that ends the head, if it has arrived.
    private mutating func findHeadEnd() -> Int? {
        var index = max(scanned, start)
        while index < filled {
            if storage[index] == UInt8(ascii: "\n") {
                // The line before this newline is empty: "\n\n" or "\n\r\n".
                if index > start, storage[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                if index > start + 1, storage[index - 1] == UInt8(ascii: "\r"), storage[index - 2] == UInt8(ascii: "\n")
                {
                    return index + 1
                }
            }
            index += 1
        }
        scanned = max(start, filled - 2)
        return nil
    }

    private func parseHead(_ bytes: ArraySlice<UInt8>, bodyStart: Int) throws(HTTPResponseError) -> Head {
        var lines = Self.lines(bytes)
        guard !lines.isEmpty else { throw .malformed("no status line") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].starts(with: Array("HTTP/1.".utf8)), parts[0].count == 8,
            let minor = parts[0].last, minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1"),
            parts[1].count == 3, parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let status = Int(String(decoding: parts[1], as: UTF8.self)), status >= 100
        else {
            throw .malformed("status line '\(String(decoding: statusLine.prefix(80), as: UTF8.self))'")
        }
        guard lines.count <= Self.maximumFields else { throw .tooLarge("over \(Self.maximumFields) fields") }
        var fields: [HTTPResponse.HTTPField] = []
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[..<colon].allSatisfy(Self.isTokenCharacter)
            else {
                throw .malformed("field line '\(String(decoding: line.prefix(80), as: UTF8.self))'")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            fields.append(.init(name: name, value: value))
        }
        let response = HTTPResponse(status: status, fields: fields, body: [], keepAlive: false)
        let connection = Set(
            (response["connection"] ?? "").lowercased().split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        let keepAlive = minor == UInt8(ascii: "1") ? !connection.contains("close") : connection.contains("keep-alive")
        return Head(
            status: status, fields: fields, keepAlive: keepAlive,
            framing: try framing(of: response, bodyStart: bodyStart), bodyStart: bodyStart)
    }

    private func framing(of head: HTTPResponse, bodyStart: Int) throws(HTTPResponseError) -> Framing {
        if (100...199).contains(head.status) || head.status == 204 || head.status == 304 { return .length(0) }
        if let codings = head["transfer-encoding"] {
            let list = codings.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard list == ["chunked"] else { throw .malformed("transfer coding '\(codings)'") }
            return .chunked(ChunkedBody(position: bodyStart))
        }
        guard let lengths = head["content-length"] else { return .untilClose }
        let values = Set(lengths.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard values.count == 1, let text = values.first, !text.isEmpty, text.count <= 18,
            text.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(text)
        else { throw .malformed("Content-Length '\(lengths)'") }
        guard length <= maximumBodyBytes else { throw .tooLarge("a body of \(length) bytes, over \(maximumBodyBytes)") }
        return .length(length)
    }

    /// Decodes the chunks that have arrived; the index past the body's last byte once it is complete.
    private func decodeChunks(_ chunked: inout ChunkedBody) throws(HTTPResponseError) -> Int? {
        while true {
            guard let newline = storage[chunked.position..<filled].firstIndex(of: UInt8(ascii: "\n")) else {
                if filled - chunked.position > Self.maximumChunkLineBytes { throw .malformed("a chunk line too long") }
                return nil
            }
            guard newline - chunked.position <= Self.maximumChunkLineBytes else {
                throw .malformed("a chunk line too long")
            }
            let line = Self.trimmed(storage[chunked.position..<newline])
            if chunked.finishing {
                chunked.position = newline + 1
                // Trailer fields are read past; an empty line ends the body.
                if line.isEmpty { return newline + 1 }
                continue
            }
            let digits = line.prefix { $0 != UInt8(ascii: ";") }
            let hex = String(decoding: Self.trimmed(digits), as: UTF8.self)
            guard !hex.isEmpty, hex.count <= 15, let size = Int(hex, radix: 16), size >= 0,
                hex.allSatisfy(\.isHexDigit)
            else { throw .malformed("chunk size '\(String(decoding: line.prefix(40), as: UTF8.self))'") }
            if size == 0 {
                chunked.finishing = true
                chunked.position = newline + 1
                continue
            }
            guard chunked.decoded.count + size <= maximumBodyBytes else {
                throw .tooLarge("a chunked body over \(maximumBodyBytes) bytes")
            }
            let dataStart = newline + 1
            // The data, then CRLF (or LF).
            guard filled - dataStart >= size + 1 else { return nil }
            var after = dataStart + size
            if storage[after] == UInt8(ascii: "\r") {
                guard filled - after >= 2 else { return nil }
                after += 1
            }
            guard storage[after] == UInt8(ascii: "\n") else { throw .malformed("a chunk not followed by CRLF") }
            chunked.decoded += storage[dataStart..<dataStart + size]
            chunked.position = after + 1
        }
    }

    /// The lines of a head, each without its CR LF (or bare LF); the final empty line dropped.
    private static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) || last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return slice
    }

    /// RFC 9110's tchar.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
