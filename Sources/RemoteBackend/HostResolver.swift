import Dispatch
import Glibc
import Synchronization

/// Host names to socket addresses within a deadline. `getaddrinfo(3)` may wait on DNS for many seconds (the
/// resolver's timeouts times its attempts), longer than a remote call may take, and cannot be cancelled: a name
/// is looked up on a thread of Dispatch's pool while the caller waits at most until its deadline (a late lookup
/// finishes in the background and is dropped). Numeric addresses are converted at once, with no lookup.
enum HostResolver {
    /// One address to connect to.
    struct Address: Sendable {
        let family: Int32
        /// The `sockaddr_in` or `sockaddr_in6`.
        let bytes: [UInt8]
    }

    /// The addresses of `host` for TCP to `port`, in the resolver's order of preference.
    static func resolve(_ host: String, port: Int, deadline: ContinuousClock.Instant) -> Result<
        [Address], RemoteFailure
    > {
        if case .success(let addresses) = lookUp(host, port: port, numericOnly: true) { return .success(addresses) }
        let answer = Answer()
        DispatchQueue.global().async { answer.set(lookUp(host, port: port, numericOnly: false)) }
        let remaining = max(deadline - .now, .zero)
        guard answer.done.wait(timeout: .now() + .nanoseconds(Int(clamping: remaining.nanoseconds))) == .success,
            let result = answer.result
        else { return .failure(.timeout) }
        return result
    }

    /// A lookup's result, handed from the thread that made it.
    private final class Answer: Sendable {
        let done = DispatchSemaphore(value: 0)
        private let stored = Mutex<Result<[Address], RemoteFailure>?>(nil)
        var result: Result<[Address], RemoteFailure>? { stored.withLock { $0 } }
        func set(_ result: Result<[Address], RemoteFailure>) {
            stored.withLock { $0 = result }
            done.signal()
        }
    }

    private static func lookUp(_ host: String, port: Int, numericOnly: Bool) -> Result<[Address], RemoteFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, "\(port)", &hints, &list)
        guard status == 0, let list else {
            return .failure(.connection("cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let address = info.ai_addr else { continue }
            let bytes = UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen))
            addresses.append(Address(family: info.ai_family, bytes: Array(bytes)))
        }
        return addresses.isEmpty ? .failure(.connection("\(host) has no address")) : .success(addresses)
    }
}
