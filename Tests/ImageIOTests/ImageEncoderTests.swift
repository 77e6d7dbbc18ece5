import ImageIO
import Testing
import TestSupport

struct ImageEncoderTests {
    @Test func pngRoundTripsExactly() throws {
        let photo = try ImageDecoder().decode(try Assets.photo("darknet_person")).image
        let decoded = try ImageDecoder().decode(try photo.pngData())
        #expect(decoded.format == .png)
        #expect(decoded.image == photo)
    }

    @Test func jpegRoundTripsClosely() throws {
        let photo = try ImageDecoder().decode(try Assets.photo("darknet_person")).image
        let data = try photo.jpegData(quality: 95)
        let decoded = try ImageDecoder().decode(data)
        #expect(decoded.format == .jpeg && decoded.image.width == photo.width && decoded.image.height == photo.height)
        let stats = PixelStatistics(decoded.image.pixels, photo.pixels)
        #expect(stats.meanAbsoluteDifference < 3, "\(stats)")
        #expect(try photo.jpegData(quality: 30).count < data.count)
    }

    @Test func qualityOutsideRangeIsAnError() {
        #expect(throws: ImageEncodingError.invalidQuality(0)) { try RGBImage(width: 2, height: 2).jpegData(quality: 0) }
        #expect(throws: ImageEncodingError.invalidQuality(101)) {
            try RGBImage(width: 2, height: 2).jpegData(quality: 101)
        }
    }
}
