import CTurboJPEG
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
        #expect(
            JPEGDecoder.scale(width: 1200, height: 400, orientation: .right, ImageSize(width: 100, height: 300)) == (
                1, 4
            ))
        #expect(
            JPEGDecoder.scale(width: 1200, height: 400, orientation: .up, ImageSize(width: 100, height: 300)) == (1, 1))
    }
}

/// YCCK: what TurboJPEG (like Photoshop) writes for CMYK, with samples stored inverted by the Adobe convention.
struct YCCKTests {
    @Test func ycckDecodesToTheRGBOfItsInkValues() throws {
        // Ink (C, M, Y, K) per quadrant; RGB = (255 - C)(255 - K) / 255 and so on.
        let inks: [(UInt8, UInt8, UInt8, UInt8)] = [
            (0, 255, 255, 0), (255, 0, 255, 0), (255, 255, 0, 0), (0, 0, 0, 64),
        ]
        let (w, h) = (32, 32)
        var stored = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                let ink = inks[(y / 16) * 2 + x / 16]
                // Adobe files store 255 - ink.
                for (c, v) in [ink.0, ink.1, ink.2, ink.3].enumerated() { stored[(y * w + x) * 4 + c] = 255 - v }
            }
        }
        let handle = tjInitCompress()!
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(
            handle, stored, Int32(w), Int32(w * 4), Int32(h), Int32(TJPF_CMYK.rawValue), &output, &size,
            Int32(TJSAMP_444.rawValue), 95, 0)
        #expect(status == 0)
        let jpeg = Array(UnsafeBufferPointer(start: output, count: Int(size)))
        tjFree(output)

        let decoder = tjInitDecompress()!
        defer { tjDestroy(decoder) }
        var (width, height, subsampling, colorspace): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        _ = tjDecompressHeader3(decoder, jpeg, UInt(jpeg.count), &width, &height, &subsampling, &colorspace)
        #expect(colorspace == Int32(TJCS_YCCK.rawValue))

        let image = try ImageDecoder().decode(jpeg).image
        let colors = JPEGTestImages.quadrantColors(image)
        let expected: [[JPEGTestImages.Color]] = [[(255, 0, 0), (0, 255, 0)], [(0, 0, 255), (191, 191, 191)]]
        for qy in 0..<2 {
            for qx in 0..<2 { #expect(JPEGTestImages.close(colors[qy][qx], expected[qy][qx], tolerance: 6)) }
        }
    }
}
