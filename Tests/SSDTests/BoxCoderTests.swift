import SSD
import Testing
import TestSupport

/// Each encoding's order and arithmetic: TFLite's (ty, tx, th, tw) divided by the scales, PyTorch's (tx, ty, tw, th)
/// multiplied by the variances as the UltraFace reference does, and corners decoded in the graph.
struct BoxCoderTests {
    @Test func variancesAreTheReciprocalsOfTheScales() {
        let coder = BoxCoder(centerVariance: 0.1, sizeVariance: 0.2)
        #expect(coder == BoxCoder(yScale: 10, xScale: 10, heightScale: 5, widthScale: 5, encoding: .centerSizeXYWH))
        #expect(BoxCoder().encoding == .centerSizeYXHW)
    }

    /// Raw locations of three faces_2 priors (the raw UltraFace model's `boxes` output on golden/faces_2.input.f32,
    /// onnxruntime 1.31.1), and the reference's decoding of them in golden/faces_2.boxes.f32. Rows where dividing
    /// by the scales, as TFLite does, changes a coordinate's last bit, and where glibc's expf and numpy's agree: the
    /// variances multiplied give the reference's corners exactly.
    @Test func centerSizeXYWHMultipliesByTheVariancesAsTheReferenceDoes() throws {
        let rows: [(prior: Int, location: (Float, Float, Float, Float))] = [
            (3989, (0.27529627, -1.7628924, -2.2846377, -0.90487975)),
            (4032, (0.4420188, -0.6557575, -1.2896094, 0.516835)),
            (4249, (0.067950085, 0.12575783, -3.4197595, -0.81609297)),
        ]
        let golden = SSDPostprocessorTests.floats(try Assets.bytes("reference/ultraface/golden/faces_2.boxes.f32"))
        try #require(golden.count == 4420 * 4)
        let priors = MinimumSizePriorConfiguration.ultraFace320.priors()
        let coder = BoxCoder(centerVariance: 0.1, sizeVariance: 0.2)
        for (prior, location) in rows {
            let box = coder.decode(location, anchor: priors[prior])
            #expect(box.xyxy == Array(golden[prior * 4..<prior * 4 + 4]), "prior \(prior)")
            let divided = BoxCoder(yScale: 10, xScale: 10, heightScale: 5, widthScale: 5).decode(
                ty: location.1, tx: location.0, th: location.3, tw: location.2, anchor: priors[prior])
            #expect(divided != box, "prior \(prior): dividing gives the same box, the row tells nothing")
        }
    }

    /// The same box in each encoding's order: TFLite's and PyTorch's center-size rows agree within their rounding.
    @Test func eachEncodingReadsItsOwnOrder() {
        let anchor = Anchor(yCenter: 0.5, xCenter: 0.4, height: 0.2, width: 0.3)
        let yxhw = BoxCoder().decode((1, 2, 0.5, -0.5), anchor: anchor)
        let xywh = BoxCoder(centerVariance: 0.1, sizeVariance: 0.2).decode((2, 1, -0.5, 0.5), anchor: anchor)
        for (a, b) in zip(yxhw.xyxy, xywh.xyxy) { #expect(abs(a - b) <= 1e-6) }
        #expect(abs(yxhw.ymin + yxhw.ymax - 2 * (0.5 + 0.1 * 0.2)) <= 1e-6)
        #expect(abs(yxhw.xmin + yxhw.xmax - 2 * (0.4 + 0.2 * 0.3)) <= 1e-6)
    }

    /// Corners are taken as they are, x first, and the anchor is never read (in-graph boxes have none).
    @Test func cornersNeedNoAnchor() {
        func noAnchor() -> Anchor {
            Issue.record("the anchor was read")
            return Anchor(yCenter: 0, xCenter: 0, height: 0, width: 0)
        }
        let box = BoxCoder(encoding: .cornersXYXY).decode((0.1, 0.2, 0.3, 0.4), anchor: noAnchor())
        #expect(box == BoundingBox(ymin: 0.2, xmin: 0.1, ymax: 0.4, xmax: 0.3))
    }
}
