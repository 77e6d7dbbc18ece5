@testable import ImageIO
import Testing
import TestSupport

struct JPEGDecoderTests {
    let decoder = ImageDecoder()

    @Test(arguments: Assets.photos.map(\.name))
    func photosDecodeLikePillow(name: String) throws {
        let expected = Assets.photos.first { $0.name == name }!
        let decoded = try decoder.decode(try Assets.photo(name))
        #expect(decoded.format == .jpeg)
        #expect(decoded.image.width == expected.width && decoded.image.height == expected.height)
        #expect(decoded.originalSize == ImageSize(width: expected.width, height: expected.height))
        // Pillow decodes with libjpeg-turbo too (its own build); allow for version differences in rounding.
        let stats = PixelStatistics(decoded.image.pixels, try Assets.pillow(name))
        #expect(stats.meanAbsoluteDifference < 0.5 && stats.maxDifference <= 4, "\(stats)")
    }

    @Test(arguments: ["progressive", "grayscale", "cmyk"])
    func pillowMadeVariantsDecodeLikePillow(kind: String) throws {
        let decoded = try decoder.decode(try Assets.bytes("pil/variant_\(kind).jpg"))
        #expect(decoded.image.width == 640 && decoded.image.height == 424)
        let stats = PixelStatistics(decoded.image.pixels, try Assets.bytes("pil/variant_\(kind).rgb"))
        #expect(stats.meanAbsoluteDifference < 0.5 && stats.maxDifference <= 4, "\(kind): \(stats)")
    }

    @Test(arguments: OrientationTests.storedLayouts.indices, [false, true])
    func exifOrientationComesOutUpright(index: Int, bigEndian: Bool) throws {
        let (orientation, layout) = OrientationTests.storedLayouts[index]
        let (w, h) = orientation.swapsDimensions ? (32, 64) : (64, 32)
        let stored = try JPEGTestImages.quadrants(layout, width: w, height: h).jpegData(quality: 95)
        let exif = JPEGTestImages.exifSegment(orientation: orientation.rawValue, bigEndian: bigEndian)
        let decoded = try decoder.decode(JPEGTestImages.inserting(exif, into: stored))
        #expect(decoded.orientation == orientation)
        #expect(decoded.image.width == 64 && decoded.image.height == 32)
        #expect(decoded.originalSize == ImageSize(width: 64, height: 32))
        let colors = JPEGTestImages.quadrantColors(decoded.image)
        for qy in 0..<2 {
            for qx in 0..<2 { #expect(JPEGTestImages.close(colors[qy][qx], OrientationTests.upright[qy][qx])) }
        }
    }

    @Test func unreadableOrientationValuesAreIgnored() throws {
        let stored = try JPEGTestImages.quadrants(OrientationTests.upright, width: 64, height: 32).jpegData()
        for value in [0, 9, 0xFFFF] {
            let exif = JPEGTestImages.exifSegment(orientation: value, bigEndian: false)
            let decoded = try decoder.decode(JPEGTestImages.inserting(exif, into: stored))
            #expect(decoded.orientation == .up && decoded.image.width == 64)
        }
    }

    @Test func cmykDecodesThroughTheAdobeConvention() throws {
        // Pillow writes CMYK JPEGs inverted, with an Adobe APP14 segment, as Photoshop does.
        let bytes = try Assets.bytes("pil/variant_cmyk.jpg")
        #expect(bytes.withUnsafeBytes { JPEGMetadata($0).hasAdobeMarker })
    }

    @Test func dctScalingPicksTheSmallestScaleThatCoversTheTarget() throws {
        let kite = try decoder.decode(try Assets.photo("darknet_kite"), reduceTo: ImageSize(width: 300, height: 300))
        // 1352x900: 1/2 gives 676x450; 1/4 would give 338x225 (too short).
        #expect(kite.scale == (1, 2))
        #expect(kite.image.width == 676 && kite.image.height == 450)
        #expect(kite.originalSize == ImageSize(width: 1352, height: 900))
        // 500x375: 1/2 would give 250x188, so it is decoded at full size.
        let small = try decoder.decode(try Assets.photo("voc_000456"), reduceTo: ImageSize(width: 300, height: 300))
        #expect(small.scale == (1, 1) && small.image.width == 500)
        // A portrait orientation compares the target with the upright sides.
        #expect(JPEGDecoder.scale(width: 1200, height: 400, orientation: .right, ImageSize(width: 100, height: 300)) == (1, 4))
        #expect(JPEGDecoder.scale(width: 1200, height: 400, orientation: .up, ImageSize(width: 100, height: 300)) == (1, 1))
    }
}
