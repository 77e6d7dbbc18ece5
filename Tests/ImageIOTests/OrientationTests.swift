import ImageIO
import Testing

/// Each orientation's stored layout is written out from the EXIF definition (which side row 0 and column 0 show),
/// not derived from the code under test. Upright picture: red | green over blue | white, twice as wide as high.
struct OrientationTests {
    typealias T = JPEGTestImages
    static let upright = [[T.red, T.green], [T.blue, T.white]]

    /// Orientation -> the quadrants as stored in the file.
    static let storedLayouts: [(Orientation, [[T.Color]])] = [
        (.up, [[T.red, T.green], [T.blue, T.white]]),
        (.upMirrored, [[T.green, T.red], [T.white, T.blue]]),
        (.down, [[T.white, T.blue], [T.green, T.red]]),
        (.downMirrored, [[T.blue, T.white], [T.red, T.green]]),
        (.leftMirrored, [[T.red, T.blue], [T.green, T.white]]),
        (.right, [[T.green, T.white], [T.red, T.blue]]),
        (.rightMirrored, [[T.white, T.green], [T.blue, T.red]]),
        (.left, [[T.blue, T.red], [T.white, T.green]]),
    ]

    @Test(arguments: storedLayouts.indices)
    func turnsStoredPixelsUpright(index: Int) {
        let (orientation, layout) = Self.storedLayouts[index]
        let (w, h) = orientation.swapsDimensions ? (8, 16) : (16, 8)
        let upright = T.quadrants(layout, width: w, height: h).applying(orientation)
        #expect(upright.width == 16 && upright.height == 8)
        let colors = T.quadrantColors(upright)
        for qy in 0..<2 {
            for qx in 0..<2 { #expect(T.close(colors[qy][qx], Self.upright[qy][qx], tolerance: 0), "\(orientation)") }
        }
    }
}
