import Foundation

/// The fetched test assets (`make assets`): the photos and reference outputs in `$SSD_ASSETS_DIR`, else `.assets/` at
/// the package root, and the models' weights in their catalog folders, `models/NAME/` at the package root.
/// A missing file is a test failure, never a skip: CI must have them all.
public enum Assets {
    /// The package root (Tests/TestSupport/Assets.swift, three levels up).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The assets folder: photos, reference outputs, Pillow's references.
    public static let root: URL = {
        if let dir = ProcessInfo.processInfo.environment["SSD_ASSETS_DIR"] { return URL(fileURLWithPath: dir) }
        return packageRoot.appendingPathComponent(".assets")
    }()

    /// The model catalog, `models/` at the package root: one folder per model, its model.json, labels and MODEL.md
    /// committed, its weights fetched beside them.
    public static let models = packageRoot.appendingPathComponent("models")

    /// The default model's catalog folder (SSD MobileNet v1 COCO, the model of the golden tensors).
    public static let defaultModelFolder = models.appendingPathComponent("ssd_mobilenet_v1_coco_quant")

    /// The COCO photos: the TFLite reference detections (reference/detections.json) cover these.
    public static let cocoPhotos: [(name: String, width: Int, height: Int)] = [
        ("darknet_dog", 768, 576), ("darknet_kite", 1352, 900), ("darknet_person", 640, 424),
        ("voc_000001", 353, 500), ("voc_000456", 500, 375), ("voc_001150", 500, 375), ("voc_004545", 500, 375),
    ]

    /// The face photos: onnxruntime's UltraFace detections (reference/ultraface/detections.json) cover these.
    public static let facePhotos: [(name: String, width: Int, height: Int)] = [
        ("faces_1", 720, 478), ("faces_10", 1024, 715), ("faces_13", 450, 344), ("faces_19", 1024, 754),
        ("faces_2", 1024, 484), ("faces_5", 1024, 769),
    ]

    /// The photos every test decodes and resizes, with their sizes (from ../shared/README.md's provenance).
    public static let photos = cocoPhotos + facePhotos

    /// The bytes of `path` under the assets folder.
    public static func bytes(_ path: String) throws -> [UInt8] {
        try bytes(at: root.appendingPathComponent(path))
    }

    /// The bytes of a fetched file anywhere (a model's weights in its catalog folder).
    public static func bytes(at url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingAsset(path: url.path)
        }
        return [UInt8](data)
    }

    /// A photo's JPEG bytes.
    public static func photo(_ name: String) throws -> [UInt8] { try bytes("images/\(name).jpg") }

    /// Pillow's RGB8 decode of a photo, or its resize to `size` ("300x300"), from scripts/pil_reference.py.
    public static func pillow(_ name: String, size: String? = nil) throws -> [UInt8] {
        try bytes("pil/\(name)\(size.map { ".\($0)" } ?? "").rgb")
    }

    /// OpenCV's `cv2.resize` (INTER_LINEAR) of Pillow's decode of a photo to `size` ("320x240"), from
    /// scripts/opencv_reference.py.
    public static func opencv(_ name: String, size: String) throws -> [UInt8] {
        try bytes("opencv/\(name).\(size).rgb")
    }
}

/// An asset that `make assets` should have fetched is not there.
public struct MissingAsset: Error, CustomStringConvertible {
    /// The file looked for.
    public let path: String
    /// The missing path, and the fix (`make assets`).
    public var description: String { "missing test asset \(path): run `make assets` (see README)" }
}
