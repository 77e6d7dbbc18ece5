/// One JSON object of a model.json, read strictly: keys outside the allowed ones are refused when it is opened (a
/// typo is named before the key it was meant to be is reported missing), and every value is read with its type,
/// count and bounds. Each failure is a `DecodingError` at the value's key path, which `ModelManifest` reports as
/// `SSDError.invalidManifest`.
struct ManifestObject {
    /// The numbers a value accepts: a closed range, or one open at its lower end, such as (0, 10].
    struct Bounds {
        let lower: Float
        let upper: Float
        let includesLower: Bool

        /// `lower` to `upper`, both included.
        static func closed(_ range: ClosedRange<Float>) -> Bounds {
            Bounds(lower: range.lowerBound, upper: range.upperBound, includesLower: true)
        }

        /// Above `lower`, up to `upper` included.
        static func above(_ lower: Float, upTo upper: Float) -> Bounds {
            Bounds(lower: lower, upper: upper, includesLower: false)
        }

        func contains(_ value: Float) -> Bool { (includesLower ? value >= lower : value > lower) && value <= upper }

        var description: String { "\(includesLower ? "[" : "(")\(lower), \(upper)]" }
    }

    let container: KeyedDecodingContainer<ManifestKey>

    /// The object `decoder` holds, with only `allowed` keys (any key when nil: the caller checks them once it knows
    /// which apply, as for anchors, whose keys depend on their kind).
    init(_ decoder: any Decoder, allowing allowed: [String]?) throws {
        try self.init(decoder.container(keyedBy: ManifestKey.self), allowing: allowed)
    }

    private init(_ container: KeyedDecodingContainer<ManifestKey>, allowing allowed: [String]?) throws {
        self.container = container
        if let allowed { try refuseKeys(notIn: allowed) }
    }

    /// Throws at the first key outside `allowed`.
    func refuseKeys(notIn allowed: [String]) throws {
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw failure(key, reason: "unknown key (allowed here: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The error for the value at `keys` under this object.
    func failure(_ keys: ManifestKey..., reason: String) -> DecodingError { failure(at: keys, reason: reason) }

    func failure(at keys: [ManifestKey], reason: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: container.codingPath + keys, debugDescription: reason))
    }

    func contains(_ key: ManifestKey) -> Bool { container.contains(key) }

    /// The object at `key`, with only `allowed` keys (nil: see `init`).
    func object(_ key: ManifestKey, allowing allowed: [String]?) throws -> ManifestObject {
        try ManifestObject(container.nestedContainer(keyedBy: ManifestKey.self, forKey: key), allowing: allowed)
    }

    func boolean(_ key: ManifestKey) throws -> Bool { try container.decode(Bool.self, forKey: key) }

    /// A non-empty string of at most `maximumLength` characters.
    func string(_ key: ManifestKey, maximumLength: Int) throws -> String {
        let text = try container.decode(String.self, forKey: key)
        guard !text.isEmpty else { throw failure(key, reason: "empty") }
        guard text.count <= maximumLength else { throw failure(key, reason: "longer than \(maximumLength) characters") }
        return text
    }

    /// One of `choices`, by its name.
    func choice<Choice>(_ key: ManifestKey, _ choices: [(name: String, value: Choice)]) throws -> Choice {
        let name = try container.decode(String.self, forKey: key)
        guard let match = choices.first(where: { $0.name == name }) else {
            throw failure(key, reason: "\"\(name)\" is not one of \(choices.map(\.name).joined(separator: ", "))")
        }
        return match.value
    }

    func integer(_ key: ManifestKey, in range: ClosedRange<Int>) throws -> Int {
        let value = try container.decode(Int.self, forKey: key)
        try check(value, in: range, at: key)
        return value
    }

    func number(_ key: ManifestKey, _ bounds: Bounds) throws -> Float {
        let value = try container.decode(Float.self, forKey: key)
        try check(value, bounds, at: key)
        return value
    }

    func integers(_ key: ManifestKey, count: ClosedRange<Int>, in range: ClosedRange<Int>) throws -> [Int] {
        let values = try container.decode([Int].self, forKey: key)
        try check(count: values.count, count, "integers", at: key)
        for (index, value) in values.enumerated() { try check(value, in: range, at: key, ManifestKey(intValue: index)) }
        return values
    }

    func numbers(_ key: ManifestKey, count: ClosedRange<Int>, _ bounds: Bounds) throws -> [Float] {
        let values = try container.decode([Float].self, forKey: key)
        try check(count: values.count, count, "numbers", at: key)
        for (index, value) in values.enumerated() { try check(value, bounds, at: key, ManifestKey(intValue: index)) }
        return values
    }

    /// A list of `count` lists of numbers, each of `eachCount` numbers within `bounds`.
    func numberLists(
        _ key: ManifestKey, count: ClosedRange<Int>, eachCount: ClosedRange<Int>, _ bounds: Bounds
    ) throws -> [[Float]] {
        let lists = try container.decode([[Float]].self, forKey: key)
        try check(count: lists.count, count, "lists", at: key)
        for (index, list) in lists.enumerated() {
            let place = ManifestKey(intValue: index)
            try check(count: list.count, eachCount, "numbers", at: key, place)
            for (inner, value) in list.enumerated() {
                try check(value, bounds, at: key, place, ManifestKey(intValue: inner))
            }
        }
        return lists
    }

    /// A list of `count` lists of integers, each of `eachCount` integers in `range`.
    func integerLists(
        _ key: ManifestKey, count: ClosedRange<Int>, eachCount: ClosedRange<Int>, in range: ClosedRange<Int>
    ) throws -> [[Int]] {
        let lists = try container.decode([[Int]].self, forKey: key)
        try check(count: lists.count, count, "lists", at: key)
        for (index, list) in lists.enumerated() {
            let place = ManifestKey(intValue: index)
            try check(count: list.count, eachCount, "integers", at: key, place)
            for (inner, value) in list.enumerated() {
                try check(value, in: range, at: key, place, ManifestKey(intValue: inner))
            }
        }
        return lists
    }

    /// A file inside the model's folder, relative to it: refused when absolute, when a ".." could climb out of the
    /// folder, or when it holds control characters.
    func relativePath(_ key: ManifestKey) throws -> String {
        let path = try string(key, maximumLength: 1024)
        guard !path.hasPrefix("/") else {
            throw failure(key, reason: "\"\(path)\" is absolute: name a file inside the model's folder")
        }
        guard !path.split(separator: "/").contains("..") else {
            throw failure(key, reason: "\"\(path)\" climbs out of the model's folder")
        }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw failure(key, reason: "a control character in a file name")
        }
        return path
    }

    private func check(_ value: Int, in range: ClosedRange<Int>, at keys: ManifestKey...) throws {
        guard range.contains(value) else {
            throw failure(at: keys, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    private func check(_ value: Float, _ bounds: Bounds, at keys: ManifestKey...) throws {
        guard bounds.contains(value) else {
            throw failure(at: keys, reason: "\(value) is outside \(bounds.description)")
        }
    }

    private func check(count: Int, _ allowed: ClosedRange<Int>, _ what: String, at keys: ManifestKey...) throws {
        guard allowed.contains(count) else {
            let expected =
                allowed.lowerBound == allowed.upperBound
                ? "\(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
            throw failure(at: keys, reason: "expected \(expected) \(what), found \(count)")
        }
    }
}
