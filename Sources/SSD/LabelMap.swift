import Foundation

/// Class names by class index (0-based, background excluded, as SSD models number their outputs).
///
/// Reads plain text, one label per line, where a leading background line (TensorFlow's `???`, or `background` in any
/// case, as PyTorch and Caffe SSDs write it) is skipped (so class k is line k + 1), and TF Object Detection API
/// `.pbtxt` item maps
/// (`item { id: N name: '...' display_name: '...' }`, id 0 the background, so class k is id k + 1).
public struct LabelMap: Sendable, Equatable {
    /// Name by class index; an index without one is labelled "class N" by `label(for:)`.
    public let labels: [Int: String]

    /// A map as given; an empty one labels every class "class N".
    public init(labels: [Int: String]) { self.labels = labels }

    /// The label of `classIndex`, or "class N" where the map has none.
    public func label(for classIndex: Int) -> String { labels[classIndex] ?? "class \(classIndex)" }

    /// Plain text, one label per line.
    public init(plainText text: String) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let offset = lines.first.map { $0 == "???" || $0.lowercased() == "background" } == true ? 1 : 0
        var labels: [Int: String] = [:]
        for (index, line) in lines.enumerated().dropFirst(offset) { labels[index - offset] = line }
        self.init(labels: labels)
    }

    /// A TF Object Detection API item map; display_name wins over name.
    public init(pbtxt text: String) throws(SSDError) {
        var labels: [Int: String] = [:]
        var scanner = PbtxtScanner(text)
        while let token = try scanner.next() {
            guard token == "item" else { throw .labels("expected `item`, found `\(token)`") }
            guard try scanner.next() == "{" else { throw .labels("expected `{` after `item`") }
            var id: Int?, name: String?, displayName: String?
            while true {
                guard let key = try scanner.next() else { throw .labels("unterminated item") }
                if key == "}" { break }
                guard try scanner.next() == ":", let value = try scanner.next() else {
                    throw .labels("expected `\(key): value`")
                }
                switch key {
                case "id":
                    guard let number = Int(value) else { throw .labels("id `\(value)` is not an integer") }
                    id = number
                case "name": name = value
                case "display_name": displayName = value
                default: break  // other fields (keypoints, ...) are not labels
                }
            }
            guard let id, let label = displayName ?? name else { throw .labels("an item without id or name") }
            if id > 0 { labels[id - 1] = label }
        }
        self.init(labels: labels)
    }

    /// The label map at `path`: .pbtxt as an item map, anything else as plain text.
    public init(contentsOf path: String) throws(SSDError) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw .labels("cannot read \(path) as UTF-8 text") }
        if path.hasSuffix(".pbtxt") {
            try self.init(pbtxt: text)
        } else {
            self.init(plainText: text)
        }
    }

    /// The label file beside a model, by convention: labelmap.txt, labels.txt, then the only .pbtxt or .txt.
    public static func conventionalPath(inModelDirectory directory: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for preferred in ["labelmap.txt", "labels.txt", "label_map.pbtxt", "labelmap.pbtxt"]
        where names.contains(preferred) {
            return (directory as NSString).appendingPathComponent(preferred)
        }
        for suffix in [".pbtxt", ".txt"] {
            let matches = names.filter { $0.hasSuffix(suffix) }
            if matches.count == 1 { return (directory as NSString).appendingPathComponent(matches[0]) }
        }
        return nil
    }
}

/// Tokens of protobuf text format, as far as label maps use it: identifiers, numbers, quoted strings, `{`, `}`,
/// `:`; `#` comments.
struct PbtxtScanner {
    private let characters: [Character]
    private var position = 0

    init(_ text: String) { characters = Array(text) }

    mutating func next() throws(SSDError) -> String? {
        while position < characters.count {
            let character = characters[position]
            if character == "#" {
                while position < characters.count, characters[position] != "\n" { position += 1 }
            } else if character.isWhitespace || character == "," || character == ";" {
                position += 1
            } else {
                break
            }
        }
        guard position < characters.count else { return nil }
        let character = characters[position]
        if "{}:".contains(character) {
            position += 1
            return String(character)
        }
        if character == "'" || character == "\"" {
            var value = ""
            position += 1
            while position < characters.count, characters[position] != character {
                if characters[position] == "\\", position + 1 < characters.count { position += 1 }
                value.append(characters[position])
                position += 1
            }
            guard position < characters.count else { throw .labels("unterminated string") }
            position += 1
            return value
        }
        var token = ""
        while position < characters.count, !characters[position].isWhitespace, !"{}:#'\"".contains(characters[position])
        {
            token.append(characters[position])
            position += 1
        }
        return token
    }
}
