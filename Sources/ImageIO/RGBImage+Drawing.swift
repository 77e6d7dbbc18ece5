/// An RGB colour.
public struct Color: Sendable, Equatable {
    /// Red, 0...255.
    public var red: UInt8
    /// Green, 0...255.
    public var green: UInt8
    /// Blue, 0...255.
    public var blue: UInt8

    /// A colour from its three 8-bit channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// All channels 255: label text on dark colours.
    public static let white = Color(red: 255, green: 255, blue: 255)
    /// All channels 0: label text on light colours.
    public static let black = Color(red: 0, green: 0, blue: 0)
}

extension RGBImage {
    /// Fills the rectangle of pixels [x0, x1) x [y0, y1), clipped to the image.
    public mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: Color) {
        let (left, right) = (max(x0, 0), min(x1, width))
        let (top, bottom) = (max(y0, 0), min(y1, height))
        guard left < right, top < bottom else { return }
        for y in top..<bottom {
            for x in left..<right {
                let i = (y * width + x) * 3
                pixels[i] = color.red
                pixels[i + 1] = color.green
                pixels[i + 2] = color.blue
            }
        }
    }

    /// Outlines the rectangle with corners (x0, y0) and (x1, y1), inclusive, `thickness` pixels inward.
    public mutating func strokeRectangle(x0: Int, y0: Int, x1: Int, y1: Int, thickness: Int, color: Color) {
        fill(x0: x0, y0: y0, x1: x1 + 1, y1: y0 + thickness, color: color)
        fill(x0: x0, y0: y1 + 1 - thickness, x1: x1 + 1, y1: y1 + 1, color: color)
        fill(x0: x0, y0: y0, x1: x0 + thickness, y1: y1 + 1, color: color)
        fill(x0: x1 + 1 - thickness, y0: y0, x1: x1 + 1, y1: y1 + 1, color: color)
    }

    /// The size in pixels of `text` drawn with `BitmapFont` at `scale`.
    public static func textSize(_ text: String, scale: Int) -> (width: Int, height: Int) {
        (max(text.count * (BitmapFont.glyphWidth + 1) - 1, 0) * scale, BitmapFont.glyphHeight * scale)
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` square.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, color: Color) {
        var left = x
        for character in text {
            for (row, bits) in BitmapFont.rows(of: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    fill(
                        x0: left + column * scale, y0: y + row * scale, x1: left + (column + 1) * scale,
                        y1: y + (row + 1) * scale, color: color)
                }
            }
            left += (BitmapFont.glyphWidth + 1) * scale
        }
    }
}
