import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP connection to a local server that sends exactly the bytes a test gives (half a head, a stalled
/// body, oversized headers) and reads responses as they come, which no HTTP client library lets a test do.
public final class RawHTTPConnection {
    /// A response as read off the wire.
    public struct Response {
        /// The code from the status line.
        public var status: Int
        /// Header names lowercased.
        public var headers: [String: String]
        /// Exactly Content-Length bytes; empty without that header.
        public var body: [UInt8]
        /// The body as UTF-8, invalid bytes replaced.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private let descriptor: Int32
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout` seconds.
    public init(port: Int, timeout: Double = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPError("socket() failed") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw RawHTTPError("cannot connect to port \(port)")
        }
    }

    deinit { close(descriptor) }

    /// Sends `bytes`; false when the server has closed the connection.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    /// Sends `text` as UTF-8; false when the server has closed the connection.
    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Reads one response (head, then a Content-Length body); nil when the connection closed or the read timed
    /// out before a whole response.
    public func readResponse() -> Response? {
        while true {
            if let response = parse() { return response }
            guard fill() else { return nil }
        }
    }

    /// Whether the server closed the connection, waiting at most the read timeout; bytes read meanwhile are
    /// dropped.
    public func isClosedByServer() -> Bool {
        while true {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffered += chunk.prefix(count)
        return true
    }

    private func parse() -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = buffered.indices.dropLast(3).first(where: { Array(buffered[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let lines = String(decoding: buffered[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = headers["content-length"].flatMap(Int.init) ?? 0
        guard buffered.count >= end + 4 + length else { return nil }
        let body = Array(buffered[(end + 4)..<(end + 4 + length)])
        buffered.removeFirst(end + 4 + length)
        return Response(status: status, headers: headers, body: body)
    }
}

/// A raw connection's failure.
public struct RawHTTPError: Error, CustomStringConvertible {
    /// What failed (the socket or the connect), for the test's failure message.
    public let description: String
    init(_ description: String) { self.description = description }
}
