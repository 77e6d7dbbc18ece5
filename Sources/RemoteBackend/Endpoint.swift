import Foundation

/// A remote's base URL (`http://gpu-host:8000`, optionally with a path prefix), parsed once: where to connect and
/// what to put in the request line and `Host` field.
public struct Endpoint: Sendable, Equatable {
    /// The URL without a trailing slash: the endpoint's name in logs and metric labels.
    public let url: String
    /// The host to resolve and connect to (an IPv6 literal without its brackets).
    let host: String
    let port: Int
    /// The `Host` field: the URL's authority.
    let authority: String
    /// The URL's path, without a trailing slash ("" for none), which every request path starts with.
    let pathPrefix: String

    /// Parses `url`; throws for anything but a plain `http://` URL with a host: no credentials (endpoints appear
    /// in logs and metrics), no query or fragment, and no TLS (the worker is meant for a private network; TLS
    /// between hosts is the network's, e.g. a service mesh's sidecar).
    public init(_ url: String) throws(RemoteConfigurationError) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let refuse = { (reason: String) in RemoteConfigurationError("remote endpoint '\(url)' \(reason)") }
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }),
            !trimmed.contains(where: { "\"\\<>{}|^`".contains($0) })
        else { throw refuse("has spaces, controls or characters a URL cannot carry") }
        if trimmed.lowercased().hasPrefix("https://") {
            throw refuse("is https: remotes are plain HTTP on a private network (TLS is the network's, docs/REMOTE.md)")
        }
        guard trimmed.lowercased().hasPrefix("http://"), let components = URLComponents(string: trimmed),
            var host = components.host, !host.isEmpty
        else { throw refuse("is not an http:// URL with a host") }
        guard components.user == nil, components.password == nil else {
            throw refuse("has credentials; they are not supported")
        }
        guard components.query == nil, components.fragment == nil else { throw refuse("has a query or fragment") }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else { throw refuse("has port \(port)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.url = trimmed
        self.host = host
        self.port = port
        authority = (host.contains(":") ? "[\(host)]" : host) + (components.port.map { ":\($0)" } ?? "")
        pathPrefix = components.percentEncodedPath
    }
}
