import ImageIO
import Testing

struct ImageFormatTests {
    @Test(
        arguments: [
            ([0xFF, 0xD8, 0xFF, 0xE0], ImageFormat.jpeg),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], .png),
            (Array("GIF89a....".utf8), .gif),
            (Array("GIF87a".utf8), .gif),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
            (Array("BM6\u{0}".utf8), .bmp),
            ([0x49, 0x49, 0x2A, 0x00, 8], .tiff),
            ([0x4D, 0x4D, 0x00, 0x2A, 0], .tiff),
            ([0, 0, 0, 0x20] + Array("ftypavif".utf8), .heif),
        ] as [([UInt8], ImageFormat)])
    func sniffsMagicBytes(bytes: [UInt8], expected: ImageFormat) {
        #expect(bytes.withUnsafeBytes { ImageFormat.sniff($0) } == expected)
    }

    @Test(arguments: [[], [0xFF], [0xFF, 0xD8], Array("hello world".utf8), [0x89, 0x50, 0x4E, 0x47]] as [[UInt8]])
    func unknownOrShortBytesMatchNothing(bytes: [UInt8]) {
        #expect(bytes.withUnsafeBytes { ImageFormat.sniff($0) } == nil)
    }
}
