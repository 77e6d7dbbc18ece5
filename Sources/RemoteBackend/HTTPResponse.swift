/// An HTTP/1.1 response as the remote backend reads it: the status, the header fields, the body, and whether the
/// connection stays open for the next request.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code (100...999).
    public var status: Int
    /// The header fields in order, names lowercased, values trimmed; a repeated name appears once per line.
    public var fields: [HTTPField]
    /// The body, with any chunked transfer coding removed.
    public var body: [UInt8]
    /// Whether the server keeps the connection open after this response.
    public var keepAlive: Bool

    /// One header line.
    public struct HTTPField: Sendable, Equatable {
        /// The field's name, lowercased.
        public var name: String
        /// Its value, without surrounding spaces.
        public var value: String
    }

    /// The values of every field named `name` (lowercase), joined by commas as HTTP allows for repeated fields;
    /// nil when there is none.
    public subscript(name: String) -> String? {
        let values = fields.filter { $0.name == name }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
