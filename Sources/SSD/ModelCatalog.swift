import Foundation

/// Finds a model from what a user names (`--model`, `--model-dir`, `$SSD_MODEL`), and returns its manifest:
///
/// - an existing path: a folder holding a model.json (its manifest) or else one .tflite file (a bare model), a
///   model.json (or any .json file), or a .tflite file (a bare model: `ModelManifest(tfliteModelAt:)`);
/// - else a catalog name: the folder of that name in the first of `roots` that has one (`models/` of the working
///   directory, then of the checkout), resolved as a folder.
///
/// A path wins over a name, so that `./NAME` always means that folder.
public struct ModelCatalog: Sendable {
    /// The catalog entry used when no model is named: SSD MobileNet v1, COCO, quantized.
    public static let defaultModelName = "ssd_mobilenet_v1_coco_quant"

    /// Folders holding one folder per model, searched in order.
    public let roots: [String]

    /// A catalog over `roots`.
    public init(roots: [String]) { self.roots = roots }

    /// The names of the catalog's models (folders holding a model.json), from every root, sorted, without repeats.
    public var modelNames: [String] {
        let names = roots.flatMap { root in
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
                FileManager.default.fileExists(atPath: Self.join(root, $0, ModelManifest.fileName))
            }
        }
        return Array(Set(names)).sorted()
    }

    /// The manifest of the model `argument` names (see the type's documentation); a name that is neither an
    /// existing path nor a catalog entry is `SSDError.modelNotFound`, listing every place looked at.
    public func resolve(_ argument: String) throws(SSDError) -> ModelManifest {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) {
            return isFolder.boolValue ? try Self.manifest(inFolder: argument) : try Self.manifest(ofFile: argument)
        }
        var tried = [argument]
        // A name is one path component: anything with a slash was meant as a path, and is not there.
        if !argument.isEmpty, !argument.contains("/"), argument != ".", argument != ".." {
            for root in roots {
                let folder = Self.join(root, argument)
                tried.append(folder)
                if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue {
                    return try Self.manifest(inFolder: folder)
                }
            }
        }
        throw .modelNotFound(argument, tried: tried)
    }

    /// The folder's model.json, else the manifest of its one .tflite file.
    static func manifest(inFolder folder: String) throws(SSDError) -> ModelManifest {
        let manifest = join(folder, ModelManifest.fileName)
        if FileManager.default.fileExists(atPath: manifest) { return try ModelManifest(contentsOf: manifest) }
        let models = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".tflite") }.sorted()
        guard models.count == 1 else {
            let found = models.isEmpty ? "none" : models.joined(separator: ", ")
            throw .modelFile("expected a \(ModelManifest.fileName) or one .tflite file in \(folder), found \(found)")
        }
        return ModelManifest(tfliteModelAt: join(folder, models[0]))
    }

    /// A manifest file, else a bare model; only TFLite models can be bare, as only they carry their input and
    /// postprocess.
    static func manifest(ofFile file: String) throws(SSDError) -> ModelManifest {
        if file.hasSuffix(".json") { return try ModelManifest(contentsOf: file) }
        if file.hasSuffix(".onnx") {
            throw .modelFile(
                "\(file): an ONNX model needs a \(ModelManifest.fileName) (docs/MODELS.md); name its folder or manifest"
            )
        }
        return ModelManifest(tfliteModelAt: file)
    }

    private static func join(_ folder: String, _ components: String...) -> String {
        components.reduce(folder) { ($0 as NSString).appendingPathComponent($1) }
    }
}
