import ImageIO
import Preprocess
import Testing
import TestSupport

/// The resizer against Pillow's own resize of the same pixels (Pillow's decode, so only the resize is tested).
struct BilinearResizerTests {
    static let cases: [(name: String, width: Int, height: Int)] =
        Assets.photos.map { ($0.name, 300, 300) }
        + [("darknet_dog", 224, 224), ("darknet_dog", 320, 240), ("darknet_dog", 1000, 700), ("darknet_dog", 300, 800)]

    @Test(arguments: cases.indices)
    func matchesPillowBitForBit(index: Int) throws {
        let (name, width, height) = Self.cases[index]
        let source = Assets.photos.first { $0.name == name }!
        let input = RGBImage(width: source.width, height: source.height, pixels: try Assets.pillow(name))
        let expected = try Assets.pillow(name, size: "\(width)x\(height)")
        var output = [UInt8](repeating: 0, count: width * height * 3)
        let resizer = BilinearResizer(outputSize: ImageSize(width: width, height: height))
        output.withUnsafeMutableBufferPointer { resizer.resize(input, into: $0) }
        let stats = PixelStatistics(output, expected)
        #expect(stats.maxDifference == 0, "\(name) to \(width)x\(height): \(stats)")
    }

    @Test func reusesItselfAcrossSourceSizes() throws {
        // One resizer, alternating sources: cached taps must follow the source size.
        let resizer = BilinearResizer(outputSize: ImageSize(width: 300, height: 300))
        var output = [UInt8](repeating: 0, count: 300 * 300 * 3)
        for name in ["darknet_dog", "voc_000001", "darknet_dog"] {
            let source = Assets.photos.first { $0.name == name }!
            let input = RGBImage(width: source.width, height: source.height, pixels: try Assets.pillow(name))
            output.withUnsafeMutableBufferPointer { resizer.resize(input, into: $0) }
            #expect(output == (try Assets.pillow(name, size: "300x300")), "\(name)")
        }
    }

    @Test func sameSizeIsACopy() {
        var image = RGBImage(width: 4, height: 3)
        for i in image.pixels.indices { image.pixels[i] = UInt8(i * 7 % 256) }
        var output = [UInt8](repeating: 0, count: image.pixels.count)
        output.withUnsafeMutableBufferPointer {
            BilinearResizer(outputSize: ImageSize(width: 4, height: 3)).resize(image, into: $0)
        }
        #expect(output == image.pixels)
    }

    @Test func aUniformImageStaysUniformAtAnyScale() {
        let image = RGBImage(width: 37, height: 11, pixels: [UInt8]((0..<(37 * 11)).flatMap { _ in [200, 17, 90] }))
        for (w, h) in [(5, 3), (100, 29), (37, 40), (1, 1)] {
            var output = [UInt8](repeating: 0, count: w * h * 3)
            output.withUnsafeMutableBufferPointer {
                BilinearResizer(outputSize: ImageSize(width: w, height: h)).resize(image, into: $0)
            }
            #expect(output == [UInt8]((0..<(w * h)).flatMap { _ in [200, 17, 90] }), "\(w)x\(h)")
        }
    }
}
