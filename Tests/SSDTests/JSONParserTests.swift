@testable import SSD
import Testing

/// The strict JSON of model manifests: RFC 8259's grammar and nothing more, each refusal with its line, column and
/// the key path where parsing stopped.
struct JSONParserTests {
    static func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    static func refusal(_ text: String) -> JSONParser.SyntaxError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try Self.parse(
            #" {"a": [1, -2.5e3, true, false, null], "b": {"c": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}} "#)
        #expect(
            value
                == .object([
                    .init(
                        name: "a",
                        value: .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
                    .init(name: "b", value: .object([.init(name: "c", value: .string("x\"\\/\u{8}\u{C}\n\r\té😀"))])),
                ]))
    }

    @Test func keepsNumbersAsWritten() throws {
        #expect(try Self.parse("12345678901234567890123") == .number("12345678901234567890123"))
        #expect(try Self.parse("-0.0e-0") == .number("-0.0e-0"))
    }

    @Test func skipsALeadingByteOrderMark() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)) == .array([]))
    }

    @Test(arguments: [
        ("01", "expected , or ] after a list element"), ("1.", "a digit after the decimal point"),
        (".5", "expected a value"), ("-", "expected a digit"), ("1e", "a digit in the exponent"),
        ("+1", "expected a value"), ("NaN", "expected a value"), ("Infinity", "expected a value"),
    ])
    func refusesNumbersOutsideTheGrammar(text: String, reason: String) {
        let error = Self.refusal("[\(text)]")
        #expect(error?.reason.contains(reason) == true, "\(text): \(String(describing: error))")
    }

    @Test(arguments: [
        #"{"a": 1,}"#, "[1,]", #"{"a": 1 "b": 2}"#, "{'a': 1}", #"{"a": 1} x"#, "", "  ", #"{"a"}"#, "tru",
        #"["\x"]"#, #"["\u12"]"#, #"["\u+123"]"#, "[\"a\nb\"]", #"["\ud800"]"#, #"["\udc00"]"#,
        #"["\ud800\u0041"]"#, "// comment\n{}", "{\"a\": 1 /* x */}", "[\"unterminated",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(Self.refusal(text) != nil, "\(text)")
    }

    @Test func refusesInvalidUTF8InAString() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func namesTheDuplicateMember() {
        let error = Self.refusal(#"{"input": {"width": 1, "width": 2}}"#)
        #expect(error?.path == "input.width")
        #expect(error?.reason == "the member \"width\" appears twice")
    }

    @Test func saysWhereItStopped() {
        let error = Self.refusal("{\n  \"input\": {\n    \"mean\": [1, 2,]\n  }\n}")
        #expect(error?.line == 3)
        #expect(error?.column == 19)
        #expect(error?.path == "input.mean[2]")
    }

    /// A deep nest is refused before it can exhaust the stack.
    @Test func boundsTheNesting() throws {
        let depth = JSONParser.maximumDepth
        _ = try Self.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        let error = Self.refusal(String(repeating: "[", count: 100_000))
        #expect(error?.reason == "nested deeper than \(depth) levels")
    }
}
