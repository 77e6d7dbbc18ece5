import Engine
import Foundation

/// The test model with one TFLite_Detection_PostProcess option rewritten in its bytes, for checking that a hostile
/// model is refused at load.
///
/// Found without hard-coded offsets. The options are a FlexBuffer stored as a FlatBuffers byte vector (a 4-byte
/// length, then the bytes) that holds the option's key: the blob is the one around the key that decodes, with the
/// project's reader, to the options the loader reads. The value's slot is the one 4-byte place in the blob where
/// writing a probe (four distinct nonzero bytes, so that no shifted write can match) changes that option, and
/// nothing else, to the probe; the new value is written there and read back.
public enum PatchedModel {
    /// The model's layout is not what the search expects (the option absent, or not in a 4-byte slot).
    public struct PatchError: Error, CustomStringConvertible {
        /// What the search did not find, for the test's failure message.
        public let description: String
    }

    /// A copy of the test model with `option` set to `value` (`.int` or `.float`, as the option is stored), in a new
    /// temporary folder of its own (remove it after use: `url.deletingLastPathComponent()`).
    public static func write(option: String, value: FlexValue) throws -> URL {
        let bytes = try GoldenTensors.modelBytes()
        let patched = try patch(bytes, option: option, value: value)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patched-\(option)-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("detect.tflite")
        try Data(patched).write(to: file)
        return file
    }

    /// `model` (TFLite bytes) with `option` of its TFLite_Detection_PostProcess set to `value`.
    public static func patch(_ model: [UInt8], option: String, value: FlexValue) throws -> [UInt8] {
        let graph = try TFLiteLoader.load(model, name: "model.tflite")
        guard let original = graph.nodes.lazy.compactMap(Self.postprocessOptions).first,
            case .map(let entries) = original, entries.contains(where: { $0.key == option })
        else { throw PatchError(description: "the model's TFLite_Detection_PostProcess has no option \(option)") }
        let blob = try optionsBlob(in: model, holding: option, decodingTo: original)
        let bits: UInt32, isFloat: Bool
        switch value {
        case .int(let number) where Int32(exactly: number) != nil:
            (bits, isFloat) = (UInt32(truncatingIfNeeded: number), false)
        case .float(let number): (bits, isFloat) = (Float(number).bitPattern, true)
        default: throw PatchError(description: "only 32-bit .int and .float values are patched, not \(value)")
        }
        // `bits` as the slot's bytes, and the options that the blob decodes to with them in the slot.
        func stored(_ bits: UInt32) -> (bytes: [UInt8], options: FlexValue) {
            let decoded =
                isFloat
                ? FlexValue.float(Double(Float(bitPattern: bits))) : .int(Int64(Int32(bitPattern: bits)))
            let bytes = (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
            return (bytes, .map(entries.map { $0.key == option ? (key: option, value: decoded) : $0 }))
        }
        func decodes(_ bytes: [UInt8], at slot: Int, to options: FlexValue) -> Bool {
            var candidate = Array(model[blob])
            candidate.replaceSubrange((slot - blob.lowerBound)..<(slot - blob.lowerBound + 4), with: bytes)
            return (try? FlexBufferReader(candidate).decode()) == options
        }
        let probe = stored(0x3F12_3456)
        let slots = blob.dropLast(3).filter { decodes(probe.bytes, at: $0, to: probe.options) }
        guard slots.count == 1, let slot = slots.first else {
            throw PatchError(description: "\(slots.count) 4-byte slots hold \(option), expected one")
        }
        let patch = stored(bits)
        guard decodes(patch.bytes, at: slot, to: patch.options) else {
            throw PatchError(description: "\(option) = \(value) does not read back from its slot")
        }
        var patched = model
        patched.replaceSubrange(slot..<(slot + 4), with: patch.bytes)
        return patched
    }

    private static func postprocessOptions(_ node: Node) -> FlexValue? {
        guard case .custom(let name, let options) = node.operation, name == "TFLite_Detection_PostProcess" else {
            return nil
        }
        return options
    }

    /// The byte range of the options blob: a length-prefixed run of bytes around the key that decodes to `options`.
    private static func optionsBlob(in model: [UInt8], holding option: String, decodingTo options: FlexValue)
        throws -> Range<Int>
    {
        let key = Array(option.utf8) + [0]
        let keyOffsets = model.indices.dropLast(key.count - 1)
        guard let keyOffset = keyOffsets.first(where: { model[$0..<($0 + key.count)].elementsEqual(key) }) else {
            throw PatchError(description: "no key \(option) in the model's bytes")
        }
        // Options blobs are a few hundred bytes: the blob starts at most a few kilobytes before its keys.
        for start in stride(from: keyOffset, through: max(keyOffset - 4096, 4), by: -1) {
            let length = (0..<4).reduce(0) { $0 | Int(model[start - 4 + $1]) << (8 * $1) }
            guard length > keyOffset - start, length <= model.count - start else { continue }
            if (try? FlexBufferReader(Array(model[start..<(start + length)])).decode()) == options {
                return start..<(start + length)
            }
        }
        throw PatchError(description: "no FlexBuffer holding \(option) decodes to the model's options")
    }
}
