import Engine
import Foundation

/// The TFLite runtime's reference-kernel tensors for the golden images (shared/reference/golden).
public enum GoldenTensors {
    /// Images with golden tensors.
    public static let images = ["darknet_dog", "darknet_person", "voc_000001"]

    /// The raw bytes of `tensor` ("input", "enc", "logits", "scores", ...) for `image`.
    public static func bytes(_ image: String, _ tensor: String) throws -> [UInt8] {
        try Assets.bytes("reference/golden/\(image).\(tensor).bin")
    }

    /// The model the golden tensors came from, in its catalog folder.
    public static let modelPath = Assets.defaultModelFolder.appendingPathComponent("detect.tflite").path

    /// The bytes of that model.
    public static func modelBytes() throws -> [UInt8] { try Assets.bytes(at: URL(fileURLWithPath: modelPath)) }

    /// That model's network: the graph without its trailing custom ops (the postprocess), as backends run it.
    public static func network() throws -> Graph {
        try TFLiteLoader.load(try modelBytes(), name: "detect.tflite").splittingCustomTail().network
    }
}
