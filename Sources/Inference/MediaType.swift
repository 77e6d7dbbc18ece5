import Foundation

/// A parsed media type ("type/subtype; name=value; ..."), as Content-Type and Accept carry them.
public struct MediaType: Sendable, Equatable {
    /// Lowercased "type/subtype".
    public let essence: String
    /// Parameter names lowercased; values unquoted.
    public let parameters: [String: String]

    /// A media type from its essence (lowercased `type/subtype`) and parameters.
    public init(essence: String, parameters: [String: String] = [:]) {
        self.essence = essence.lowercased()
        self.parameters = parameters
    }

    /// Parses one media type; nil when it has no "/".
    public init?(_ text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard essence.contains("/") else { return nil }
        var parameters: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            parameters[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        self.init(essence: essence, parameters: parameters)
    }

    /// The media types of an Accept header, most preferred first (by q, then order); q=0 entries dropped.
    public static func acceptList(_ header: String?) -> [MediaType] {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let entries = splitOutsideQuotes(header).compactMap(MediaType.init)
        let weighted = entries.enumerated().map { (index, type) in
            (type, Double(type.parameters["q"] ?? "1") ?? 1, index)
        }
        return weighted.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.map(\.0)
    }

    /// Whether this (an Accept entry) admits `essence`, wildcards included.
    public func admits(_ essence: String) -> Bool {
        if self.essence == "*/*" || self.essence == essence { return true }
        guard self.essence.hasSuffix("/*") else { return false }
        return essence.hasPrefix(self.essence.dropLast())
    }

    private static func splitOutsideQuotes(_ text: String) -> [String] {
        var parts: [String] = [], current = "", quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
