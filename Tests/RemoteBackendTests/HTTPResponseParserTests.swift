import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import RemoteBackend

/// The response framing, on responses written by SwiftNIO's HTTP/1.1 encoder (not written here) and on hand-made
/// edge cases, each fed whole and split at every byte.
struct HTTPResponseParserTests {
    /// `head` and `body` as NIOHTTP1's `HTTPResponseEncoder` writes them (Content-Length, or chunked when the head
    /// has neither length nor coding).
    static func encoded(_ head: HTTPResponseHead, body: [UInt8], parts: Int = 1) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder())
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        let size = max(1, (body.count + parts - 1) / parts)
        for start in stride(from: 0, to: body.count, by: size) {
            let part = ByteBuffer(bytes: body[start..<min(body.count, start + size)])
            try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(part)))
        }
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += Array(buffer: buffer) }
        _ = try channel.finish()
        return bytes
    }

    /// Parses `bytes` fed in two pieces split at `split`, then at the end of the stream if `closes`.
    static func parse(_ bytes: [UInt8], split: Int, closes: Bool = false, maximumBodyBytes: Int = 1 << 20)
        throws(HTTPResponseError) -> HTTPResponse?
    {
        var parser = HTTPResponseParser(maximumHeadBytes: 4096, maximumBodyBytes: maximumBodyBytes)
        try parser.append(bytes[..<split])
        if split < bytes.count, let early = try parser.response(atEnd: false) {
            Issue.record("a response before its last byte: \(early.status)")
        }
        try parser.append(bytes[split...])
        if let response = try parser.response(atEnd: false) { return response }
        return closes ? try parser.response(atEnd: true) : nil
    }

    static let body = (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }

    @Test func contentLengthFromNIOEveryWay() throws {
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Length", value: "\(Self.body.count)")
        head.headers.add(name: "Server-Timing", value: "compute;dur=1.5")
        let bytes = try Self.encoded(head, body: Self.body)
        for split in 0...bytes.count {
            let response = try #require(try Self.parse(bytes, split: split))
            #expect(response.status == 200 && response.body == Self.body && response.keepAlive)
            #expect(response["server-timing"] == "compute;dur=1.5")
        }
    }

    @Test func chunkedFromNIOEveryWay() throws {
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: 503))
        let bytes = try Self.encoded(head, body: Self.body, parts: 7)
        #expect(String(decoding: bytes.prefix(200), as: UTF8.self).lowercased().contains("transfer-encoding: chunked"))
        for split in 0...bytes.count {
            let response = try #require(try Self.parse(bytes, split: split))
            #expect(response.status == 503 && response.body == Self.body && response.keepAlive)
        }
    }

    @Test func anHTTP10AnswerEndsWithTheConnection() throws {
        let bytes = Array("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello".utf8)
        for split in 0...bytes.count {
            let response = try #require(try Self.parse(bytes, split: split, closes: true))
            #expect(response.body == Array("hello".utf8) && !response.keepAlive)
        }
    }

    @Test(
        arguments: [
            // Interim responses are skipped, extensions and trailers read past, bare LFs accepted.
            ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nok\r\n0\r\nA: b\r\n\r\n", 200, "ok", true),
            ("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, "ok", true),
            ("HTTP/1.1 204 No Content\r\n\r\n", 204, "", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 200, "", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 200, "", true),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx", 200, "x", true),
        ] as [(String, Int, String, Bool)])
    func edgeCases(text: String, status: Int, body: String, keepAlive: Bool) throws {
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            let response = try #require(try Self.parse(bytes, split: split))
            #expect(response.status == status && response.body == Array(body.utf8) && response.keepAlive == keepAlive)
        }
    }

    @Test(
        arguments: [
            ("HTTP/2 200 OK\r\n\r\n", "status line"), ("HTTP/1.1 20 OK\r\n\r\n", "status line"),
            ("HTTP/1.1 2000 OK\r\n\r\n", "status line"), ("HTTP/1.1 099 x\r\n\r\n", "status line"),
            ("garbage\r\n\r\n", "status line"), ("HTTP/1.1 200 OK\r\nNo Colon\r\n\r\n", "field line"),
            ("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "field line"), ("HTTP/1.1 200 OK\r\n: x\r\n\r\n", "field line"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", "too large"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "transfer coding"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n", "CRLF"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\n", "too large"),
            ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "switch of protocols"),
        ] as [(String, String)])
    func malformedAnswersAreTypedErrors(text: String, reason: String) {
        let bytes = Array(text.utf8)
        #expect {
            _ = try Self.parse(bytes, split: bytes.count, closes: true)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func boundsHold() {
        // A head that never ends, too many fields, a body that never ends, an answer cut short.
        let endless = Array(("HTTP/1.1 200 OK\r\n" + String(repeating: "A: b\r\n", count: 1000)).utf8)
        #expect(throws: HTTPResponseError.tooLarge("a head over 4096 bytes")) {
            _ = try Self.parse(endless, split: endless.count)
        }
        let many = Array(("HTTP/1.1 200 OK\r\n" + String(repeating: "A: b\r\n", count: 200) + "\r\n").utf8)
        #expect(throws: HTTPResponseError.tooLarge("over 128 fields")) { _ = try Self.parse(many, split: 0) }
        let unbounded = Array(("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 2000)).utf8)
        #expect(throws: HTTPResponseError.tooLarge("a body over 1000 bytes")) {
            _ = try Self.parse(unbounded, split: 0, maximumBodyBytes: 1000)
        }
        let cut = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)
        #expect(throws: HTTPResponseError.truncated) { _ = try Self.parse(cut, split: 0, closes: true) }
        #expect(throws: HTTPResponseError.truncated) { _ = try Self.parse([], split: 0, closes: true) }
        // Chunks that are mostly extension: the raw bytes are bounded too (head + twice the body + 64 KB), not
        // only the decoded body.
        let padded = String(repeating: "1;" + String(repeating: "p", count: 1000) + "\r\nx\r\n", count: 100)
        var parser = HTTPResponseParser(maximumHeadBytes: 64, maximumBodyBytes: 1000)
        #expect(throws: HTTPResponseError.tooLarge("over 67600 bytes")) {
            try parser.append(Array(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + padded).utf8))
        }
    }

    @Test func bytesAfterTheAnswerThatNothingAskedForEndTheConnection() throws {
        var parser = HTTPResponseParser(maximumBodyBytes: 100)
        try parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1".utf8))
        let response = try #require(try parser.response(atEnd: false))
        #expect(response.body == Array("x".utf8) && !response.keepAlive)
    }

    @Test func storageIsReusedAcrossResponses() throws {
        var parser = HTTPResponseParser(maximumBodyBytes: 1 << 20)
        for round in 0..<3 {
            parser.reset()
            try parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n\(round)".utf8))
            #expect(try parser.response(atEnd: false)?.body == Array("\(round)".utf8))
        }
    }
}
