import Testing

@testable import RemoteBackend

/// Remote URLs: what is connected to and sent, and what is refused at start.
struct EndpointTests {
    @Test(
        arguments: [
            ("http://gpu-host:8000/", "http://gpu-host:8000", "gpu-host", 8000, "gpu-host:8000", ""),
            ("http://10.0.0.7", "http://10.0.0.7", "10.0.0.7", 80, "10.0.0.7", ""),
            ("http://[::1]:9000", "http://[::1]:9000", "::1", 9000, "[::1]:9000", ""),
            ("http://lb:80/triton/", "http://lb:80/triton", "lb", 80, "lb:80", "/triton"),
            ("HTTP://Host:1", "HTTP://Host:1", "Host", 1, "Host:1", ""),
        ] as [(String, String, String, Int, String, String)])
    func parses(url: String, name: String, host: String, port: Int, authority: String, prefix: String) throws {
        let endpoint = try Endpoint(url)
        #expect(endpoint.url == name && endpoint.host == host && endpoint.port == port)
        #expect(endpoint.authority == authority && endpoint.pathPrefix == prefix)
    }

    @Test(
        arguments: [
            ("https://gpu:8000", "https"), ("localhost:8000", "http:// URL"), ("ftp://host", "http:// URL"),
            ("http://", "http:// URL"), ("http://user:secret@a:1", "credentials"), ("http://a:1/x?y=1", "query"),
            ("http://a:1/#f", "query or fragment"), ("http://a:0", "port 0"), ("http://a:70000", "port 70000"),
            ("http://a:1/\"x", "characters"), ("http://a b:1", "characters"), ("http://a:1/\u{7f}", "characters"),
        ] as [(String, String)])
    func refuses(url: String, reason: String) {
        #expect {
            _ = try Endpoint(url)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}
