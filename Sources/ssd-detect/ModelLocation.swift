import Foundation
import SSD

/// Finds the model and its manifest: what the user gave (a catalog name, a folder with a model.json or one .tflite
/// file, a model.json, or a .tflite file; `ModelCatalog`), else $SSD_MODEL, else the catalog's default model. Names
/// are looked up in models/ of the working directory, then of the checkout the executable was built in.
enum ModelLocation {
    static func resolve(_ given: String?) throws -> ModelManifest {
        let catalog = ModelCatalog(roots: catalogRoots)
        if let given { return try manifest(given, in: catalog) }
        if let environment = ProcessInfo.processInfo.environment["SSD_MODEL"], !environment.isEmpty {
            return try manifest(environment, in: catalog)
        }
        do { return try catalog.resolve(ModelCatalog.defaultModelName) } catch {
            throw CLIError(
                "no model given and the default model is missing (\(error)); run `make assets` or pass --model")
        }
    }

    /// models/ of the working directory and of the checkout, where they exist.
    static var catalogRoots: [String] {
        var roots: [String] = []
        var seen = Set<String>()
        for candidate in checkoutCandidates("models") where FileManager.default.fileExists(atPath: candidate) {
            // The working directory is often the checkout: one root, searched once.
            if seen.insert(URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path).inserted {
                roots.append(candidate)
            }
        }
        return roots
    }

    /// `relative` (a path in the checkout, such as .assets/images/darknet_dog.jpg) from the working directory, else
    /// from the checkout the executable was built in (.build/<triple>/<configuration>/ssd-detect, a few folders
    /// up); nil when neither exists.
    static func checkoutPath(_ relative: String) -> String? {
        checkoutCandidates(relative).first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Where `relative` may be: the working directory, then the executable's folder and the five above it.
    private static func checkoutCandidates(_ relative: String) -> [String] {
        var candidates = [relative]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relative).path)
            folder.deleteLastPathComponent()
        }
        return candidates
    }

    /// The manifest of `argument`; a name not found lists the catalog's models.
    private static func manifest(_ argument: String, in catalog: ModelCatalog) throws -> ModelManifest {
        do { return try catalog.resolve(argument) } catch .modelNotFound(let name, let tried) {
            let names = catalog.modelNames
            throw CLIError(
                SSDError.modelNotFound(name, tried: tried).description
                    + (names.isEmpty ? "" : "; the catalog has \(names.joined(separator: ", "))"))
        } catch {
            throw CLIError(error.description)
        }
    }
}

extension ModelManifest {
    /// What a server's model_fn loads for this manifest: the folder of its model.json, or a bare .tflite file.
    var servedPath: String { self == ModelManifest(tfliteModelAt: modelFile) ? modelFile : folder }
}
