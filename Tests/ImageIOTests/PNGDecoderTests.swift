import ImageIO
import Testing

/// PNGs of every colour type written with libpng's low-level API; the expected pixels follow from the samples
/// written (alpha dropped, as PIL's convert("RGB") does).
struct PNGDecoderTests {
    typealias P = PNGTestImages
    let decoder = ImageDecoder()
    let width = 13
    let height = 7

    /// A deterministic byte for pixel (x, y), channel c.
    func sample(_ x: Int, _ y: Int, _ c: Int) -> UInt8 { UInt8(truncatingIfNeeded: x * 37 + y * 101 + c * 59 + 11) }

    /// Decodes `bytes` and checks every channel of every pixel is within `tolerance` of `expected`.
    func expectPixels(_ bytes: [UInt8], tolerance: Int = 0, _ expected: (Int, Int) -> (UInt8, UInt8, UInt8)) throws {
        let decoded = try decoder.decode(bytes)
        #expect(decoded.format == .png)
        #expect(decoded.image.width == width && decoded.image.height == height)
        var worst = 0
        for y in 0..<height {
            for x in 0..<width {
                let (got, want) = (decoded.image[x, y], expected(x, y))
                worst = max(
                    worst, abs(Int(got.r) - Int(want.0)), abs(Int(got.g) - Int(want.1)), abs(Int(got.b) - Int(want.2)))
            }
        }
        #expect(worst <= tolerance)
    }

    @Test(arguments: [false, true])
    func rgb(interlaced: Bool) throws {
        let rows = (0..<height).map { y in (0..<width).flatMap { x in (0..<3).map { sample(x, y, $0) } } }
        let png = P.encode(width: width, height: height, colorType: .rgb, interlaced: interlaced, rows: rows)
        try expectPixels(png) { x, y in (sample(x, y, 0), sample(x, y, 1), sample(x, y, 2)) }
    }

    @Test(arguments: [false, true])
    func rgbaDropsAlphaKeepingColour(interlaced: Bool) throws {
        // Alpha 0 included: the stored colour must survive, not be composited to black.
        let rows = (0..<height).map { y in
            (0..<width).flatMap { x in (0..<3).map { sample(x, y, $0) } + [UInt8(x * 20 % 256)] }
        }
        let png = P.encode(width: width, height: height, colorType: .rgba, interlaced: interlaced, rows: rows)
        try expectPixels(png) { x, y in (sample(x, y, 0), sample(x, y, 1), sample(x, y, 2)) }
    }

    @Test func gray() throws {
        let rows = (0..<height).map { y in (0..<width).map { sample($0, y, 0) } }
        try expectPixels(P.encode(width: width, height: height, colorType: .gray, rows: rows)) { x, y in
            let v = sample(x, y, 0)
            return (v, v, v)
        }
    }

    @Test func grayAlpha() throws {
        let rows: [[UInt8]] = (0..<height).map { y in
            (0..<width).flatMap { x -> [UInt8] in [sample(x, y, 0), UInt8(x * 19 % 256)] }
        }
        try expectPixels(P.encode(width: width, height: height, colorType: .grayAlpha, rows: rows)) { x, y in
            let v = sample(x, y, 0)
            return (v, v, v)
        }
    }

    @Test(arguments: [false, true])
    func paletteWithTransparency(interlaced: Bool) throws {
        let palette: [(UInt8, UInt8, UInt8)] = (0..<16).map { (i: Int) -> (UInt8, UInt8, UInt8) in
            (UInt8(i * 16), UInt8(255 - i * 16), UInt8(i * 7))
        }
        let index = { (x: Int, y: Int) in (x + 3 * y) % 16 }
        let rows = (0..<height).map { y in (0..<width).map { UInt8(index($0, y)) } }
        let png = P.encode(
            width: width, height: height, colorType: .palette, interlaced: interlaced, rows: rows, palette: palette,
            transparency: [0, 128, 255, 7])
        try expectPixels(png) { x, y in palette[index(x, y)] }
    }

    /// libpng reduces 16 bits to 8 by v / 257, rounded; PIL takes the high byte. Both are within 1.
    @Test func sixteenBitReducesToEightBits() throws {
        // Low bytes vary so that a wrong byte order or a truncation bug shows.
        let rows = (0..<height).map { y in
            (0..<width).flatMap { x in (0..<3).flatMap { c in [sample(x, y, c), UInt8((x * 3 + c) % 100)] } }
        }
        let png = P.encode(width: width, height: height, colorType: .rgb, bitDepth: 16, rows: rows)
        try expectPixels(png, tolerance: 1) { x, y in (sample(x, y, 0), sample(x, y, 1), sample(x, y, 2)) }
    }

    @Test func sixteenBitGray() throws {
        let rows: [[UInt8]] = (0..<height).map { y in (0..<width).flatMap { x -> [UInt8] in [sample(x, y, 0), 0] } }
        let png = P.encode(width: width, height: height, colorType: .gray, bitDepth: 16, rows: rows)
        try expectPixels(png, tolerance: 1) { x, y in
            let v = sample(x, y, 0)
            return (v, v, v)
        }
    }
}
