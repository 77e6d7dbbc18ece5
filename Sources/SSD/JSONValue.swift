/// A JSON document (RFC 8259) as `JSONParser` reads it for model manifests: numbers kept as written, members in
/// document order, no duplicate member names.
///
/// Foundation's JSONDecoder is lenient where a hand-edited manifest needs strictness: it takes the first of two
/// members with one name, accepts trailing commas, and reports a number out of range or a syntax error without
/// saying where. Parsing here and decoding with `JSONValueDecoder` names the key or the line of every failure.
enum JSONValue: Sendable, Equatable {
    /// One member of an object.
    struct Member: Sendable, Equatable {
        let name: String
        let value: JSONValue
    }

    case null
    case bool(Bool)
    /// The number's text, checked against JSON's grammar; converted only by the reader, which knows the type it
    /// wants and can name the key of a value that does not fit.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// What the value is, for error messages ("expected a number, found a string").
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
