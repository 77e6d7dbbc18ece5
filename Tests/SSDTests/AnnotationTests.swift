import ImageIO
import SSD
import Testing

struct AnnotationTests {
    @Test func boxesAndLabelsAreDrawnInTheClassColour() {
        let image = RGBImage(width: 200, height: 150)  // black
        let detection = Detection(
            label: "dog", classIndex: 1, score: 0.87, box: BoundingBox(ymin: 60, xmin: 50, ymax: 140, xmax: 150),
            normalizedBox: BoundingBox(ymin: 0.4, xmin: 0.25, ymax: 0.93, xmax: 0.75))
        let drawn = image.annotated(with: [detection])
        let green = (r: UInt8(60), g: UInt8(180), b: UInt8(75))  // palette entry 1
        #expect(drawn[50, 100] == green)  // left edge
        #expect(drawn[149, 100] == green)  // right edge (xmax exclusive)
        #expect(drawn[100, 100] == (0, 0, 0))  // inside untouched
        // The label sits above the box: a coloured band with dark text somewhere in it.
        let band = (0..<60).flatMap { y in (50..<120).map { x in drawn[x, y] } }
        #expect(band.contains { $0 == green })
        #expect(band.contains { $0 == (0, 0, 0) })
        #expect(drawn[10, 10] == (0, 0, 0))  // far from it, untouched
    }

    @Test func textIsDrawnFromTheFont() {
        var image = RGBImage(width: 20, height: 10)
        image.drawText("1", x: 0, y: 0, scale: 1, color: .white)
        // "1": rows 0x04 0x0C 0x04 ...: the top row lights only column 2.
        #expect(image[2, 0] == (255, 255, 255))
        #expect(image[1, 0] == (0, 0, 0) && image[3, 0] == (0, 0, 0))
        #expect(image[1, 1] == (255, 255, 255))
        #expect(RGBImage.textSize("dog 87%", scale: 2) == (width: (7 * 6 - 1) * 2, height: 14))
    }
}
