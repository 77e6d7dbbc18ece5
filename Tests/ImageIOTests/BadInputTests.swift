import ImageIO
import Testing
import TestSupport

/// Hostile and broken inputs: every one must give its typed error, never a crash, a hang or a half-grey picture.
struct BadInputTests {
    let decoder = ImageDecoder()

    func error(_ bytes: [UInt8], _ decoder: ImageDecoder = ImageDecoder()) -> ImageDecodingError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    func isDamage(_ error: ImageDecodingError?) -> Bool {
        switch error {
        case .truncated, .corrupt: return true
        default: return false
        }
    }

    @Test func emptyAndOneByte() {
        #expect(error([]) == .empty)
        #expect(error([0xFF]) == .unsupportedFormat(detected: nil))
    }

    @Test func gifAndTextAreUnsupported() {
        #expect(error(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8)) == .unsupportedFormat(detected: .gif))
        #expect(error(Array("{\"image\": \"not really\"}".utf8)) == .unsupportedFormat(detected: nil))
        #expect(error(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8))?.description.contains("WebP") == true)
    }

    @Test func randomBytesBehindRealSignatures() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20 {
            let noise = (0..<2000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(error(noise) == .unsupportedFormat(detected: nil))
            #expect(isDamage(error([0xFF, 0xD8, 0xFF] + noise)))
            #expect(isDamage(error([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + noise)))
        }
    }

    @Test func everyTruncationOfAJPEGIsAnError() throws {
        let jpeg = try Assets.photo("darknet_dog")
        for end in stride(from: 1, to: jpeg.count - 1, by: 1999) + [jpeg.count - 2] {
            let e = error(Array(jpeg[..<end]))
            #expect(isDamage(e) || e == .unsupportedFormat(detected: nil), "cut at \(end): \(String(describing: e))")
        }
        // Cut inside the entropy-coded data: libjpeg-turbo would fill the rest with grey; strict mode refuses.
        guard case .truncated = error(Array(jpeg[..<(jpeg.count / 2)])) else {
            Issue.record("half a JPEG should be .truncated")
            return
        }
    }

    @Test func lenientPolicyKeepsADamagedJPEG() throws {
        let jpeg = try Assets.photo("darknet_dog")
        let lenient = ImageDecoder(jpegWarnings: .accept)
        let decoded = try lenient.decode(Array(jpeg[..<(jpeg.count / 2)]))
        #expect(decoded.image.width == 768 && decoded.image.height == 576)
    }

    @Test func everyTruncationOfAPNGIsAnError() throws {
        let png = try ImageDecoder().decode(try Assets.photo("voc_000456")).image.pngData()
        // Up to the last pixel byte: a cut in the closing IEND chunk loses nothing and is not noticed.
        for end in stride(from: 8, to: png.count - 12, by: 4999) + [png.count - 13] {
            #expect(isDamage(error(Array(png[..<end]))), "cut at \(end)")
        }
        guard case .truncated = error(Array(png[..<(png.count / 2)])) else {
            Issue.record(
                "half a PNG should be .truncated, got \(String(describing: error(Array(png[..<(png.count / 2)]))))")
            return
        }
    }

    @Test func pngWithBrokenCRC() throws {
        var png = try RGBImage(width: 8, height: 8).pngData()
        // IHDR's CRC is bytes 29...32 (signature 8, length 4, type 4, data 13).
        png[30] ^= 0xFF
        #expect(isDamage(error(png)))
        var idat = try RGBImage(width: 64, height: 64).pngData()
        idat[idat.count - 20] ^= 0x55  // inside IDAT (before the 12-byte IEND)
        #expect(isDamage(error(idat)))
    }

    @Test func absurdDimensionsAreRefusedFromTheHeader() throws {
        // PNG: IHDR says 100000 x 100000 (with a correct CRC), no pixel data to speak of.
        var png = try RGBImage(width: 1, height: 1).pngData()
        for (offset, value) in [(16, 100_000), (20, 100_000)] {
            for i in 0..<4 { png[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
        }
        let crc = CRC32.checksum(png[12..<29])
        for i in 0..<4 { png[29 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
        #expect(error(png) == .tooLarge(width: 100_000, height: 100_000, limits: ImageLimits()))

        // JPEG: SOF says 65000 x 65000 (its most), 4.2 gigapixels.
        var jpeg = try RGBImage(width: 16, height: 16).jpegData()
        let sof = jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
        for (offset, value) in [(sof + 5, 65000), (sof + 7, 65000)] {
            jpeg[offset] = UInt8(value >> 8)
            jpeg[offset + 1] = UInt8(value & 0xFF)
        }
        #expect(error(jpeg) == .tooLarge(width: 65000, height: 65000, limits: ImageLimits()))
    }

    @Test func limitsAreConfigurable() throws {
        let strict = ImageDecoder(limits: ImageLimits(maxPixels: 100_000, maxSide: 16384))
        #expect(
            error(try Assets.photo("darknet_dog"), strict) == .tooLarge(width: 768, height: 576, limits: strict.limits))
        let narrow = ImageDecoder(limits: ImageLimits(maxPixels: 40_000_000, maxSide: 700))
        #expect(
            error(try Assets.photo("darknet_dog"), narrow) == .tooLarge(width: 768, height: 576, limits: narrow.limits))
    }

    @Test func thousandsOfScansAreRefusedBeforeDecoding() throws {
        // A progressive-JPEG decoding-time attack, reduced to its signature: more SOS markers than any photo has.
        let jpeg = try Assets.photo("darknet_dog")
        let bomb = jpeg + Array(repeating: [0xFF, 0xDA, 0x00, 0x02], count: 600).flatMap { $0 }
        guard case .corrupt(_, let detail) = error(bomb) else {
            Issue.record("expected .corrupt for a scan bomb")
            return
        }
        #expect(detail.contains("scans"))
    }

    @Test func messagesAreShortAndHuman() {
        let cases: [ImageDecodingError] = [
            .empty, .unsupportedFormat(detected: .gif), .unsupportedFormat(detected: nil),
            .tooLarge(width: 100_000, height: 100_000, limits: ImageLimits()),
            .truncated(format: .jpeg, detail: "Premature end of JPEG file"),
        ]
        for e in cases { #expect(!e.description.isEmpty && e.description.count < 120, "\(e)") }
        #expect(ImageDecodingError.unsupportedFormat(detected: .gif).description.contains("GIF"))
    }
}

/// CRC-32 (PNG's), bit by bit: small, obviously right, and only used to forge test headers.
enum CRC32 {
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
