import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The HTTP contract around the routes: HEAD, 405 with Allow, JSON 404, request ids.
struct RoutesTests {
    @Test func headPingAnswers200WithoutABody() async throws {
        try await InferenceServerTests.server(InferenceServerTests.ssdHandler()).application().test(.router) { client in
            try await InferenceServerTests.waitUntilReady(client)
            let head = try await client.execute(uri: "/ping", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(try await client.execute(uri: "/metrics", method: .head).status == .ok)
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await InferenceServerTests.server(InferenceServerTests.ssdHandler()).application().test(.router) { client in
            let invocations = try await client.execute(uri: "/invocations", method: .get)
            #expect(invocations.status == .methodNotAllowed)
            #expect(invocations.headers[.allow] == "POST")
            #expect(InferenceServerTests.errorCode(invocations) == "method_not_allowed")
            let ping = try await client.execute(uri: "/ping", method: .delete)
            #expect(ping.status == .methodNotAllowed && ping.headers[.allow] == "GET, HEAD")
        }
    }

    @Test func anUnknownPathIsAJSON404() async throws {
        try await InferenceServerTests.server(InferenceServerTests.ssdHandler()).application().test(.router) { client in
            let response = try await client.execute(uri: "/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json")
            #expect(InferenceServerTests.errorCode(response) == "not_found")
        }
    }

    @Test func requestIDsAreKeptOnlyWhenShortPrintableTokens() async throws {
        try await InferenceServerTests.server(InferenceServerTests.ssdHandler()).application().test(.router) { client in
            try await InferenceServerTests.waitUntilReady(client)
            let idField = HTTPField.Name("X-Request-Id")!
            func echoed(_ id: String) async throws -> String? {
                try await client.execute(
                    uri: "/invocations", method: .post,
                    headers: [.contentType: "text/plain", idField: id]
                ).headers[idField]
            }
            #expect(try await echoed("3f2a-b1:c/d") == "3f2a-b1:c/d")
            let uuid = "123e4567-e89b-12d3-a456-426614174000"
            #expect(try await echoed(uuid) == uuid)
            for hostile in [String(repeating: "a", count: 60_000), "two words", "quote\"d", "ünï"] {
                let replaced = try await echoed(hostile)
                #expect(replaced?.count == 16 && replaced != hostile, "\(hostile.prefix(20)) was echoed")
            }
        }
    }
}
