import Foundation
import ImageIO
import Preprocess
import Testing
import TestSupport

/// The resizer against OpenCV's own `cv2.resize` of the same pixels (Pillow's decode, so only the resize is tested).
struct OpenCVBilinearResizerTests {
    /// Every file scripts/opencv_reference.py writes (`theIndexListsExactlyTheseCases` keeps the two in step).
    static let cases: [(name: String, width: Int, height: Int)] =
        Assets.photos.flatMap { [($0.name, 320, 240), ($0.name, 300, 300)] }
        // darknet_dog is 768x576: upscales (one exactly 2x), up in one axis and down in the other, odd sizes, the
        // exact 2x reduction cv2 does as INTER_AREA, 2x in one axis only, 3x, the same size, 1-pixel outputs.
        + [
            (1000, 700), (1536, 1152), (769, 575), (333, 77), (299, 301), (384, 288), (384, 300), (256, 192),
            (768, 576), (1, 300), (300, 1), (1, 1), (1000, 1),
        ].map { ("darknet_dog", $0.0, $0.1) }

    @Test(arguments: cases.indices)
    func matchesOpenCVByteForByte(index: Int) throws {
        let (name, width, height) = Self.cases[index]
        let source = Assets.photos.first { $0.name == name }!
        let input = RGBImage(width: source.width, height: source.height, pixels: try Assets.pillow(name))
        let expected = try Assets.opencv(name, size: "\(width)x\(height)")
        var output = [UInt8](repeating: 0, count: width * height * 3)
        let resizer = OpenCVBilinearResizer(outputSize: ImageSize(width: width, height: height))
        output.withUnsafeMutableBufferPointer { resizer.resize(input, into: $0) }
        let stats = PixelStatistics(output, expected)
        #expect(stats.maxDifference == 0, "\(name) to \(width)x\(height): \(stats)")
    }

    /// The index the script wrote lists exactly the cases above, so no reference file goes unchecked.
    @Test func theIndexListsExactlyTheseCases() throws {
        struct Index: Decodable {
            struct Photo: Decodable {
                var file: String
                var sizes: [[Int]]
            }
            var photos: [Photo]
        }
        let index = try JSONDecoder().decode(Index.self, from: Data(try Assets.bytes("opencv/index.json")))
        let listed = index.photos.flatMap { photo in
            photo.sizes.map { "\(photo.file.replacingOccurrences(of: ".jpg", with: "")).\($0[0])x\($0[1])" }
        }
        #expect(listed.sorted() == Self.cases.map { "\($0.name).\($0.width)x\($0.height)" }.sorted())
    }

    /// Tiny sources, where every output is an edge case, with the bytes cv2 gives for them: at these edges cv2's
    /// rounding (see `OpenCVBilinearResizer`) gives 6 and 10 bytes other than exact fixed-point rounding would.
    static let tinyCases: [(width: Int, height: Int, outputWidth: Int, outputHeight: Int, expected: [UInt8])] = [
        (
            2, 2, 3, 3,
            [
                11, 48, 85, 66, 103, 140, 122, 159, 196, 122, 31, 68, 114, 87, 124, 105, 142, 179, 233, 14, 51, 160,
                69, 106, 88, 125, 162,
            ]
        ),
        (4, 1, 3, 2, [29, 66, 103, 177, 86, 123, 112, 106, 143, 29, 66, 103, 177, 86, 123, 112, 106, 143]),
    ]

    @Test(arguments: tinyCases.indices)
    func tinySourcesAsOpenCVDoes(index: Int) {
        let (width, height, outputWidth, outputHeight, expected) = Self.tinyCases[index]
        // cv2.resize(np.array([(i * 37 + 11) % 256 for i in range(w * h * 3)], np.uint8).reshape(h, w, 3), size)
        let image = RGBImage(
            width: width, height: height, pixels: (0..<(width * height * 3)).map { UInt8(($0 * 37 + 11) % 256) })
        let resizer = OpenCVBilinearResizer(outputSize: ImageSize(width: outputWidth, height: outputHeight))
        var output = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        output.withUnsafeMutableBufferPointer { resizer.resize(image, into: $0) }
        #expect(output == expected, "\(width)x\(height) to \(outputWidth)x\(outputHeight)")
    }

    @Test func reusesItselfAcrossSourceSizes() throws {
        // One resizer, alternating sources: cached coefficients must follow the source size.
        let resizer = OpenCVBilinearResizer(outputSize: ImageSize(width: 300, height: 300))
        var output = [UInt8](repeating: 0, count: 300 * 300 * 3)
        for name in ["darknet_dog", "voc_000001", "darknet_dog"] {
            let source = Assets.photos.first { $0.name == name }!
            let input = RGBImage(width: source.width, height: source.height, pixels: try Assets.pillow(name))
            output.withUnsafeMutableBufferPointer { resizer.resize(input, into: $0) }
            #expect(output == (try Assets.opencv(name, size: "300x300")), "\(name)")
        }
    }

    @Test func aUniformImageStaysUniformAtAnyScale() {
        let image = RGBImage(width: 37, height: 11, pixels: [UInt8]((0..<(37 * 11)).flatMap { _ in [200, 17, 90] }))
        for (w, h) in [(5, 3), (100, 29), (37, 40), (1, 1)] {
            var output = [UInt8](repeating: 0, count: w * h * 3)
            output.withUnsafeMutableBufferPointer {
                OpenCVBilinearResizer(outputSize: ImageSize(width: w, height: h)).resize(image, into: $0)
            }
            #expect(output == [UInt8]((0..<(w * h)).flatMap { _ in [200, 17, 90] }), "\(w)x\(h)")
        }
    }

    /// The static-shape promise, for the interpolating path (whose coefficients the first call computes) and for
    /// the 2x reduction (which needs none).
    @Test func resizesWithoutAllocatingAfterTheFirstImage() throws {
        let input = RGBImage(width: 768, height: 576, pixels: try Assets.pillow("darknet_dog"))
        for (width, height) in [(300, 300), (384, 288)] {
            let resizer = OpenCVBilinearResizer(outputSize: ImageSize(width: width, height: height))
            let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: width * height * 3)
            defer { output.deallocate() }
            let first = countAllocations { resizer.resize(input, into: output) }
            let steady = countAllocations {
                for _ in 0..<3 { resizer.resize(input, into: output) }
            }
            if width == 300 {
                #expect(first > 0, "the counter must see the first call's allocations, or it proves nothing")
            }
            #expect(steady == 0, "\(width)x\(height)")
        }
    }
}
