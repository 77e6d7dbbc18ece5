import Foundation

/// A model's model.json (docs/MODELS.md), decoded and checked: everything about a model that the code must not
/// guess, from its file format and input to its anchors, box decoding and NMS.
///
/// Every value is checked as it is read: a wrong type, a number outside its bounds, a list of the wrong length, an
/// unknown key (a typo), a path out of the model's folder or a combination that cannot run is an
/// `SSDError.invalidManifest` naming the JSON key path, never a default or a crash.
public struct ModelManifest: Sendable, Equatable, Decodable {
    /// The manifest's name in a model's folder.
    public static let fileName = "model.json"
    /// Larger manifests are refused unread (a real one is well under 2 KB).
    public static let maximumBytes = 1 << 20
    /// The `userInfo` key holding the folder that `file` and `labels` name files in, for `init(from:)`.
    public static let folderUserInfoKey = CodingUserInfoKey(rawValue: "SSD.ModelManifest.folder")!

    /// The model file's format.
    public let format: ModelFormat
    /// The model's folder: the manifest's, or the bare model file's.
    public let folder: String
    /// The model file, `file` joined to `folder`.
    public let modelFile: String
    /// The label file, `labels` joined to `folder`; nil without one (every class is then "class N").
    public let labelsFile: String?
    /// How an image becomes the input tensor; nil to read it from the model (TFLite only).
    public let input: Input?
    /// Where the anchors come from.
    public let anchors: Anchors
    /// How the box head's outputs become boxes.
    public let decode: Decode
    /// The NMS and its thresholds; nil for a TFLite model's own TFLite_Detection_PostProcess options.
    public let postprocess: Postprocess?
    /// The graph outputs holding the box encodings and the class scores, by name; nil to take them by position.
    public let outputs: (boxes: String, scores: String)?

    /// The manifest at `path` (a model.json), decoded and checked, and its model and label files found.
    public init(contentsOf path: String) throws(SSDError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .invalidManifest(path: path, key: "", reason: "cannot be read")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data() } catch {
            throw .invalidManifest(path: path, key: "", reason: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= Self.maximumBytes else {
            throw .invalidManifest(path: path, key: "", reason: "larger than \(Self.maximumBytes) bytes")
        }
        try self.init(json: [UInt8](data), path: path)
        try requireFile(modelFile, key: "file", manifest: path)
        if let labelsFile { try requireFile(labelsFile, key: "labels", manifest: path) }
    }

    /// The manifest in `json`, read from `path` (which names it in errors, and whose folder holds the files it
    /// names), decoded and checked without touching the file system.
    public init(json: [UInt8], path: String) throws(SSDError) {
        let document: JSONValue
        do { document = try JSONParser.parse(json) } catch {
            throw .invalidManifest(
                path: path, key: error.path, reason: "line \(error.line), column \(error.column): \(error.reason)")
        }
        let decoder = JSONValueDecoder(
            value: document, codingPath: [], userInfo: [Self.folderUserInfoKey: Self.folder(of: path)])
        do { self = try Self(from: decoder) } catch let error as DecodingError {
            throw Self.invalidManifest(path, error)
        } catch {
            throw .invalidManifest(path: path, key: "", reason: "\(error)")
        }
    }

    /// The manifest of a bare TFLite model (a .tflite without a model.json): input, anchors and postprocess all read
    /// from the model, the labels from the conventional file beside it (`LabelMap.conventionalPath`).
    public init(tfliteModelAt modelFile: String) {
        format = .tflite
        folder = Self.folder(of: modelFile)
        self.modelFile = modelFile
        labelsFile = LabelMap.conventionalPath(inModelDirectory: folder)
        input = nil
        anchors = .embedded
        decode = .embedded
        postprocess = nil
        outputs = nil
    }

    /// Decodes a manifest whose folder is `decoder.userInfo[folderUserInfoKey]`; with `JSONValueDecoder` (through
    /// `init(json:path:)`) every error names its key path, including numbers out of range and duplicate keys.
    public init(from decoder: any Decoder) throws {
        guard let folder = decoder.userInfo[Self.folderUserInfoKey] as? String else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "no model folder in userInfo[ModelManifest.folderUserInfoKey]"))
        }
        let root = try ManifestObject(decoder, allowing: Self.keys)
        format = try root.choice("format", ModelFormat.allCases.map { ($0.rawValue, $0) })
        self.folder = folder
        modelFile = Self.join(folder, try root.relativePath("file"))
        labelsFile = try root.contains("labels") ? Self.join(folder, root.relativePath("labels")) : nil
        input = try root.contains("input") ? Input(root.object("input", allowing: Input.keys)) : nil
        if input == nil, format != .tflite {
            throw root.failure("input", reason: "required: only a TFLite model's input can be read from the model")
        }
        outputs =
            try root.contains("outputs") ? Self.outputs(root.object("outputs", allowing: ["boxes", "scores"])) : nil
        anchors = try Anchors(root.object("anchors", allowing: nil), input: input)
        decode = try Decode(root)
        postprocess =
            try root.contains("postprocess") ? Postprocess(root.object("postprocess", allowing: Postprocess.keys)) : nil
        try validateCombination(root)
    }

    /// Field by field (the `outputs` tuple rules out a synthesized `==`).
    public static func == (a: ModelManifest, b: ModelManifest) -> Bool {
        a.format == b.format && a.folder == b.folder && a.modelFile == b.modelFile && a.labelsFile == b.labelsFile
            && a.input == b.input && a.anchors == b.anchors && a.decode == b.decode && a.postprocess == b.postprocess
            && a.outputs?.boxes == b.outputs?.boxes && a.outputs?.scores == b.outputs?.scores
    }

    /// The top-level keys.
    static let keys = ["format", "file", "labels", "input", "outputs", "anchors", "decode", "postprocess"]

    private static func outputs(_ object: ManifestObject) throws -> (boxes: String, scores: String) {
        (try object.string("boxes", maximumLength: 1024), try object.string("scores", maximumLength: 1024))
    }

    /// The folder of `path` ("." for a bare name).
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func join(_ folder: String, _ file: String) -> String {
        (folder as NSString).appendingPathComponent(file)
    }

    private func requireFile(_ file: String, key: String, manifest: String) throws(SSDError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
            throw .invalidManifest(path: manifest, key: key, reason: "no such file: \(file)")
        }
    }

    private static func invalidManifest(_ path: String, _ error: DecodingError) -> SSDError {
        switch error {
        case .keyNotFound(let key, let context):
            .invalidManifest(path: path, key: ManifestKey.describe(context.codingPath + [key]), reason: "missing")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            .invalidManifest(
                path: path, key: ManifestKey.describe(context.codingPath), reason: context.debugDescription)
        @unknown default:
            .invalidManifest(path: path, key: "", reason: "\(error)")
        }
    }
}

extension ModelManifest {
    /// The name a KServe v2 worker serves the model under, and the name a remote backend asks for: the folder's
    /// name where it holds a model.json (a catalog entry: "ssd_mobilenet_v1_coco_quant"), else the model file's
    /// name without its extension.
    public var servingName: String {
        if FileManager.default.fileExists(atPath: folder + "/" + Self.fileName) {
            return folder.split(separator: "/").last.map(String.init) ?? folder
        }
        let file = modelFile.split(separator: "/").last.map(String.init) ?? modelFile
        return file.lastIndex(of: ".").map { String(file[..<$0]) } ?? file
    }
}
