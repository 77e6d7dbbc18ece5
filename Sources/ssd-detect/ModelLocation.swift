import Foundation
import SSD

/// Finds the model file: a path given by the user (a .tflite file or a folder holding one), else $SSD_MODEL,
/// else the default model of the checkout's catalog (models/, its weights fetched by `make assets`).
enum ModelLocation {
    static let defaultModelFolder = "models/ssd_mobilenet_v1_coco_quant"

    static func resolve(_ given: String?) throws -> String {
        if let given { return try modelFile(in: given) }
        if let environment = ProcessInfo.processInfo.environment["SSD_MODEL"], !environment.isEmpty {
            return try modelFile(in: environment)
        }
        if let folder = checkoutPath(defaultModelFolder) { return try modelFile(in: folder) }
        throw CLIError(
            "no model given and the default model is missing (\(defaultModelFolder)); "
                + "run `make assets` or pass --model")
    }

    /// `relative` (a path in the checkout, such as .assets/images/darknet_dog.jpg) from the working directory, else
    /// from the checkout the executable was built in (.build/<triple>/<configuration>/ssd-detect, a few folders
    /// up); nil when neither exists.
    static func checkoutPath(_ relative: String) -> String? {
        var candidates = [relative]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relative).path)
            folder.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// `path` itself, or the one .tflite file in the folder `path`.
    static func modelFile(in path: String) throws -> String {
        do { return try SSDModel.file(in: path) } catch { throw CLIError(error.description) }
    }
}
