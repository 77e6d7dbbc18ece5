import ImageIO
import Preprocess
import Testing
import TestSupport

struct PreprocessorTests {
    /// Decode + resize, the way the detector will do it, into the model's 300x300 uint8 input.
    func modelInput(_ name: String, reduce: Bool = false) throws -> [UInt8] {
        let spec = InputSpec(width: 300, height: 300)
        let decoded = try ImageDecoder().decode(try Assets.photo(name), reduceTo: reduce ? spec.size : nil)
        var tensor = [UInt8](repeating: 0, count: spec.byteCount)
        tensor.withUnsafeMutableBytes { Preprocessor(spec: spec).write(decoded.image, into: $0) }
        return tensor
    }

    /// The bound: mean absolute difference at most 1.0 and 99th percentile at most 4, on every photo,
    /// against Pillow's resize of Pillow's decode.
    @Test(arguments: Assets.photos.map(\.name))
    func agreesWithPillowOnEveryPhoto(name: String) throws {
        let stats = PixelStatistics(try modelInput(name), try Assets.pillow(name, size: "300x300"))
        #expect(stats.meanAbsoluteDifference <= 1.0 && stats.percentile99 <= 4, "\(name): \(stats)")
    }

    /// The same bound against the exact inputs the TFLite reference outputs were computed from.
    @Test(arguments: ["darknet_dog", "darknet_person", "voc_000001"])
    func agreesWithTheGoldenModelInputs(name: String) throws {
        let stats = PixelStatistics(try modelInput(name), try Assets.bytes("reference/golden/\(name).input.bin"))
        #expect(stats.meanAbsoluteDifference <= 1.0 && stats.percentile99 <= 4, "\(name): \(stats)")
    }

    /// `.opencvBilinear` in the spec gives cv2's bytes, and `.pillowBilinear` Pillow's, which differ when reducing:
    /// the spec really picks the resizer.
    @Test func theSpecsResizeMethodPicksTheResize() throws {
        let image = RGBImage(width: 768, height: 576, pixels: try Assets.pillow("darknet_dog"))
        func modelInput(_ method: ResizeMethod) -> [UInt8] {
            let spec = InputSpec(width: 300, height: 300, resize: method)
            var tensor = [UInt8](repeating: 0, count: spec.byteCount)
            tensor.withUnsafeMutableBytes { Preprocessor(spec: spec).write(image, into: $0) }
            return tensor
        }
        let opencv = modelInput(.opencvBilinear)
        let pillow = modelInput(.pillowBilinear)
        #expect(opencv == (try Assets.opencv("darknet_dog", size: "300x300")))
        #expect(pillow == (try Assets.pillow("darknet_dog", size: "300x300")))
        #expect(opencv != pillow)
    }

    @Test func nchwFloatAppliesMeanAndStdPerChannel() {
        let mean = SIMD3<Float>(123.675, 116.28, 103.53)
        let std = SIMD3<Float>(58.395, 57.12, 57.375)
        let spec = InputSpec(width: 2, height: 1, layout: .nchw, encoding: .float32(mean: mean, std: std))
        // A 2x1 image at its own size: no resampling, so only the encoding and layout are tested.
        let image = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 250, 128, 0])
        var tensor = [Float](repeating: .nan, count: spec.elementCount)
        tensor.withUnsafeMutableBytes { Preprocessor(spec: spec).write(image, into: $0) }
        let expected: [Float] = [
            (10 - mean[0]) / std[0], (250 - mean[0]) / std[0],
            (20 - mean[1]) / std[1], (128 - mean[1]) / std[1],
            (30 - mean[2]) / std[2], (0 - mean[2]) / std[2],
        ]
        #expect(tensor == expected)
        #expect(spec.byteCount == 24)
    }

    /// BGR puts blue first; mean and std are the tensor's channels' (blue's first); raw bytes are swapped too.
    @Test func bgrSwapsTheColorChannels() {
        let image = RGBImage(width: 2, height: 1, pixels: [10, 20, 30, 250, 128, 0])
        let mean = SIMD3<Float>(1, 2, 3), std = SIMD3<Float>(2, 4, 8)
        let spec = InputSpec(
            width: 2, height: 1, encoding: .float32(mean: mean, std: std), channelOrder: .bgr)
        var tensor = [Float](repeating: .nan, count: spec.elementCount)
        tensor.withUnsafeMutableBytes { Preprocessor(spec: spec).write(image, into: $0) }
        // (B - 1) / 2, (G - 2) / 4, (R - 3) / 8 for each pixel.
        let expected: [Float] = [29 / 2, 18 / 4, 7 / 8, -1 / 2, 126 / 4, 247 / 8]
        #expect(tensor == expected)
        let raw = InputSpec(width: 2, height: 1, channelOrder: .bgr)
        var bytes = [UInt8](repeating: 0, count: raw.byteCount)
        bytes.withUnsafeMutableBytes { Preprocessor(spec: raw).write(image, into: $0) }
        #expect(bytes == [30, 20, 10, 0, 128, 250])
    }

    @Test func quantizedInputRoundsAndClamps() {
        // real = (p - 127.5) / 127.5, quantized with scale 1/128, zero point 128.
        let encoding = PixelEncoding.quantizedUInt8(
            mean: SIMD3(repeating: 127.5), std: SIMD3(repeating: 127.5), scale: 1.0 / 128, zeroPoint: 128)
        let spec = InputSpec(width: 3, height: 1, encoding: encoding)
        let image = RGBImage(width: 3, height: 1, pixels: [0, 127, 200, 255, 128, 64, 1, 2, 3])
        var tensor = [UInt8](repeating: 0, count: spec.byteCount)
        tensor.withUnsafeMutableBytes { Preprocessor(spec: spec).write(image, into: $0) }
        // q = round((p - 127.5) / 127.5 * 128) + 128: 200 -> 201, 128 -> 129, 255 -> 256 clamped to 255.
        #expect(tensor == [0, 127, 201, 255, 129, 64, 1, 2, 3])
    }
}

/// The static-shape promise: once the first image of a size has been seen, preprocessing allocates nothing.
struct PreprocessorAllocationTests {
    @Test(
        arguments: [PixelEncoding.uint8, .float32(mean: SIMD3(repeating: 127.5), std: SIMD3(repeating: 127.5))],
        ResizeMethod.allCases)
    func writesWithoutAllocatingAfterTheFirstImage(encoding: PixelEncoding, resize: ResizeMethod) throws {
        let spec = InputSpec(width: 300, height: 300, encoding: encoding, resize: resize)
        let image = try ImageDecoder().decode(try Assets.photo("darknet_dog")).image
        let preprocessor = Preprocessor(spec: spec)
        let tensor = UnsafeMutableRawBufferPointer.allocate(byteCount: spec.byteCount, alignment: 16)
        defer { tensor.deallocate() }
        let first = countAllocations { preprocessor.write(image, into: tensor) }
        let steady = countAllocations {
            for _ in 0..<5 { preprocessor.write(image, into: tensor) }
        }
        #expect(first > 0, "the counter must see the first call's allocations, or it proves nothing")
        #expect(steady == 0)
    }
}
