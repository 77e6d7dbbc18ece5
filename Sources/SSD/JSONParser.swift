/// A strict JSON parser (RFC 8259) for model manifests: no trailing commas, comments, duplicate member names,
/// unescaped control characters, invalid UTF-8 or lone surrogates, and at most `maximumDepth` levels of nesting, so
/// that hostile input cannot exhaust the stack. A leading UTF-8 byte order mark is skipped, as editors write one.
struct JSONParser {
    /// Where and why a document is not JSON.
    struct SyntaxError: Error, Sendable {
        /// 1-based line of the byte where parsing stopped.
        let line: Int
        /// 1-based column of that byte, in bytes.
        let column: Int
        /// The key path of the value being parsed there (`ManifestKey.describe`).
        let path: String
        /// What was wrong.
        let reason: String
    }

    /// Objects and lists nested deeper are refused (a manifest needs four levels).
    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var position = 0
    private var path: [ManifestKey] = []

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The document in `bytes`, or the first place where it is not JSON.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the document") }
        return value
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        skipWhitespace()
        guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        guard let byte = peek() else { throw error("unexpected end of the document") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected \(Self.describe(byte)); expected a value")
        }
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var members: [JSONValue.Member] = []
        var names = Set<String>()
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw error(members.isEmpty ? "expected a quoted member name" : "expected a member after the comma")
            }
            let name = try string()
            path.append(ManifestKey(stringValue: name))
            guard names.insert(name).inserted else { throw error("the member \"\(name)\" appears twice") }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw error("expected : after the member name") }
            members.append(JSONValue.Member(name: name, value: try value(depth: depth + 1)))
            path.removeLast()
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            guard consume(UInt8(ascii: ",")) else { throw error("expected , or } after a member") }
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            path.append(ManifestKey(intValue: elements.count))
            if peek() == UInt8(ascii: "]") { throw error("expected a value after the comma") }
            elements.append(try value(depth: depth + 1))
            path.removeLast()
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            guard consume(UInt8(ascii: ",")) else { throw error("expected , or ] after a list element") }
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
        let expected = Array(word.utf8)
        guard bytes[position...].starts(with: expected) else { throw error("expected \(word)") }
        position += expected.count
        return value
    }

    /// A number's text, checked against JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws(SyntaxError) -> String {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        if !consume(UInt8(ascii: "0")) {
            guard skipDigits() > 0 else { throw error("expected a digit") }
        }
        if consume(UInt8(ascii: ".")), skipDigits() == 0 { throw error("expected a digit after the decimal point") }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard skipDigits() > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    private mutating func string() throws(SyntaxError) -> String {
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("a string is not UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &utf8)
            case 0..<0x20:
                position -= 1
                throw error("a control character in a string (write it escaped)")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(SyntaxError) {
        guard let byte = peek() else { throw error("unterminated string") }
        position += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            utf8.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw error("unknown escape \\\(Self.describe(byte))") }
        var scalar = UInt32(try hexQuad())
        if (0xD800..<0xDC00).contains(scalar) {
            // A UTF-16 high surrogate: only a low one may follow, and the pair is one scalar.
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw error("a lone surrogate") }
            let low = UInt32(try hexQuad())
            guard (0xDC00..<0xE000).contains(low) else { throw error("a lone surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("a lone surrogate") }
        utf8.append(contentsOf: String(Character(unicode)).utf8)
    }

    private mutating func hexQuad() throws(SyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexadecimalDigit(byte) else {
                throw error("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexadecimalDigit(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    private func error(_ reason: String) -> SyntaxError {
        let before = bytes[..<min(position, bytes.count)]
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = position - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
        return SyntaxError(line: line, column: column, path: ManifestKey.describe(path), reason: reason)
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }
}
