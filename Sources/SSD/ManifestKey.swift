/// A key of model.json: any member name, or a list index, so that one type can open every object (and list each
/// key it holds, which is how unknown keys are found) and name any value's place in the document.
struct ManifestKey: CodingKey, ExpressibleByStringLiteral, Sendable {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }

    init(stringLiteral value: String) { self.init(stringValue: value) }

    /// `path` as the docs and errors write it: names joined by dots, indices in brackets (`input.mean[1]`); empty for
    /// the document itself.
    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
