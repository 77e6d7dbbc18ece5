import ImageIO

/// Builders for JPEG test inputs: quadrant pictures and EXIF segments written byte by byte.
enum JPEGTestImages {
    typealias Color = (r: UInt8, g: UInt8, b: UInt8)
    static let red: Color = (255, 0, 0)
    static let green: Color = (0, 255, 0)
    static let blue: Color = (0, 0, 255)
    static let white: Color = (255, 255, 255)

    /// A `width` x `height` image whose four quadrants have the given colours, row by row.
    static func quadrants(_ layout: [[Color]], width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width { image[x, y] = layout[y * 2 / height][x * 2 / width] }
        }
        return image
    }

    /// The colour at the centre of each quadrant, as [[top-left, top-right], [bottom-left, bottom-right]].
    static func quadrantColors(_ image: RGBImage) -> [[Color]] {
        (0..<2).map { qy in
            (0..<2).map { qx in image[image.width * (2 * qx + 1) / 4, image.height * (2 * qy + 1) / 4] }
        }
    }

    static func close(_ a: Color, _ b: Color, tolerance: Int = 24) -> Bool {
        abs(Int(a.r) - Int(b.r)) <= tolerance && abs(Int(a.g) - Int(b.g)) <= tolerance
            && abs(Int(a.b) - Int(b.b)) <= tolerance
    }

    /// An APP1 Exif segment holding only IFD0 with the orientation tag.
    static func exifSegment(orientation: Int, bigEndian: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] {
            bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)]
        }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)  // magic, IFD0 at offset 8
        tiff += u16(1)  // one entry
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)  // SHORT, count 1, value
        tiff += u32(0)  // no next IFD
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// `jpeg` with `segment` inserted right after SOI.
    static func inserting(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }
}
