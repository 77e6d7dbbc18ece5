import Glibc

/// One keep-alive HTTP/1.1 connection to a remote, owned by one detector and used by its thread alone, which it
/// blocks for the exchange: the request is written straight from the caller's buffers (the network's input, no
/// copy) and the answer read into storage kept between requests. There is no hand-off to an event loop thread and
/// back, which is most of what a remote inference costs beyond the transfer: AsyncHTTPClient, which this replaced,
/// added about 0.6 ms a call on loopback (docs/PERFORMANCE.md, "Remote backend").
///
/// Every wait is bounded by the call's deadline (connecting, writing, reading); a connection that broke or
/// answered badly is closed, and one the server closed while idle is reopened once.
final class HTTPConnection {
    let endpoint: Endpoint
    private var descriptor: Int32 = -1
    private var parser: HTTPResponseParser

    /// A connection to `endpoint`, opened at its first exchange, for answers of at most `maximumBodyBytes`.
    init(endpoint: Endpoint, maximumBodyBytes: Int) {
        self.endpoint = endpoint
        parser = HTTPResponseParser(maximumBodyBytes: maximumBodyBytes)
    }

    deinit { close() }

    /// Whether a connection is open (for tests).
    var isOpen: Bool { descriptor >= 0 }

    /// Sends `method path` with `fields` and a body made of `body`'s buffers in order, and reads the answer, all
    /// before `deadline`.
    func exchange(
        method: String, path: String, fields: [(String, String)], body: [UnsafeRawBufferPointer],
        deadline: ContinuousClock.Instant
    ) -> Result<HTTPResponse, RemoteFailure> {
        let length = body.reduce(0) { $0 + $1.count }
        var head = "\(method) \(endpoint.pathPrefix)\(path) HTTP/1.1\r\nHost: \(endpoint.authority)\r\n"
        for (name, value) in fields { head += "\(name): \(value)\r\n" }
        if method != "GET" || length > 0 { head += "Content-Length: \(length)\r\n" }
        head += "\r\n"
        let headBytes = Array(head.utf8)
        return headBytes.withUnsafeBytes { headBuffer in
            let buffers = [headBuffer] + body
            // A kept connection the server has closed since (its idle timeout) fails before any answer: once, a
            // fresh connection is tried.
            let reused = descriptor >= 0 && !closedByPeer()
            if !reused { close() }
            let first = attempt(buffers, deadline: deadline)
            guard reused, case .failure(.connection) = first else { return first }
            return attempt(buffers, deadline: deadline)
        }
    }

    private func attempt(_ buffers: [UnsafeRawBufferPointer], deadline: ContinuousClock.Instant) -> Result<
        HTTPResponse, RemoteFailure
    > {
        if descriptor < 0, let failure = connect(deadline: deadline) { return .failure(failure) }
        let result = send(buffers, deadline: deadline).flatMap { receive(deadline: deadline) }
        switch result {
        case .success(let response): if !response.keepAlive { close() }
        case .failure: close()
        }
        return result
    }

    func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    /// Whether the idle connection has been closed by the server, or has bytes no request asked for.
    private func closedByPeer() -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    private func connect(deadline: ContinuousClock.Instant) -> RemoteFailure? {
        let addresses: [HostResolver.Address]
        switch HostResolver.resolve(endpoint.host, port: endpoint.port, deadline: deadline) {
        case .success(let resolved): addresses = resolved
        case .failure(let failure): return failure
        }
        var reason = "no address"
        for address in addresses {
            let socket = Glibc.socket(address.family, Self.streamType | Self.socketFlags, 0)
            guard socket >= 0 else {
                reason = Self.lastError()
                continue
            }
            let connected = address.bytes.withUnsafeBytes { bytes in
                Glibc.connect(socket, bytes.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(bytes.count))
            }
            if connected != 0 {
                guard errno == EINPROGRESS else {
                    reason = Self.lastError()
                    _ = systemClose(socket)
                    continue
                }
                guard Self.wait(socket, for: POLLOUT, until: deadline) else {
                    _ = systemClose(socket)
                    return .timeout
                }
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size)
                guard error == 0 else {
                    reason = String(cString: strerror(error))
                    _ = systemClose(socket)
                    continue
                }
            }
            // Requests are written whole; Nagle's algorithm would only hold their last segment back.
            var on: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            descriptor = socket
            return nil
        }
        return .connection("cannot connect to \(endpoint.url): \(reason)")
    }

    private func send(_ buffers: [UnsafeRawBufferPointer], deadline: ContinuousClock.Instant) -> Result<
        Void, RemoteFailure
    > {
        var vectors = buffers.filter { $0.count > 0 }.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        var first = 0
        while first < vectors.count {
            let sent = vectors[first...].withUnsafeMutableBufferPointer { pending in
                var message = msghdr()
                message.msg_iov = pending.baseAddress
                message.msg_iovlen = pending.count
                // MSG_NOSIGNAL: a closed connection is an error here, not a SIGPIPE that ends the process.
                return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                guard errno == EAGAIN || errno == EWOULDBLOCK else {
                    return .failure(.connection("sending to \(endpoint.url): \(Self.lastError())"))
                }
                guard Self.wait(descriptor, for: POLLOUT, until: deadline) else { return .failure(.timeout) }
                continue
            }
            var remaining = sent
            while first < vectors.count, remaining >= vectors[first].iov_len {
                remaining -= vectors[first].iov_len
                first += 1
            }
            if remaining > 0 {
                vectors[first].iov_base += remaining
                vectors[first].iov_len -= remaining
            }
        }
        return .success(())
    }

    private func receive(deadline: ContinuousClock.Instant) -> Result<HTTPResponse, RemoteFailure> {
        parser.reset()
        do throws(HTTPResponseError) {
            while true {
                if let response = try parser.response(atEnd: false) { return .success(response) }
                let count = try parser.receive { buffer in recv(descriptor, buffer.baseAddress, buffer.count, 0) }
                if count > 0 { continue }
                if count == 0 {
                    guard let response = try parser.response(atEnd: true) else { throw .truncated }
                    return .success(response)
                }
                if errno == EINTR { continue }
                guard errno == EAGAIN || errno == EWOULDBLOCK else {
                    return .failure(.connection("reading from \(endpoint.url): \(Self.lastError())"))
                }
                guard Self.wait(descriptor, for: POLLIN, until: deadline) else { return .failure(.timeout) }
            }
        } catch .truncated {
            return .failure(.connection("\(endpoint.url) closed the connection before answering in full"))
        } catch {
            return .failure(.malformed(error.description))
        }
    }

    /// Waits until `socket` is ready for `events` (or has an error, which the next call reports); false when the
    /// deadline passes first.
    private static func wait(_ socket: Int32, for events: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return false }
            let milliseconds = Int32(clamping: (remaining.nanoseconds + 999_999) / 1_000_000)
            var entry = pollfd(fd: socket, events: Int16(events), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 || (ready < 0 && errno != EINTR) { return true }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    private static let streamType = Int32(SOCK_STREAM.rawValue)
    /// Non-blocking, so that every wait goes through `poll` with the deadline.
    private static let socketFlags = Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
}

/// `close(2)`, named apart from the connection's own `close()`.
private func systemClose(_ descriptor: Int32) -> Int32 { Glibc.close(descriptor) }
