#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SSD's center-size box coding: an encoding (ty, tx, th, tw) relative to an anchor, with scales (the
/// "variances" of Caffe SSD: 10, 10, 5, 5 are 0.1, 0.1, 0.2, 0.2).
public struct BoxCoder: Sendable, Equatable {
    /// Divides ty: the center moves ty / yScale anchor heights down.
    public var yScale: Float
    /// Divides tx: the center moves tx / xScale anchor widths right.
    public var xScale: Float
    /// Divides th: the height is the anchor's times exp(th / heightScale).
    public var heightScale: Float
    /// Divides tw: the width is the anchor's times exp(tw / widthScale).
    public var widthScale: Float

    /// Defaults are TensorFlow's 10, 10, 5, 5; `PostprocessOptions.validate` bounds each to `scaleRange`.
    public init(yScale: Float = 10, xScale: Float = 10, heightScale: Float = 5, widthScale: Float = 5) {
        self.yScale = yScale
        self.xScale = xScale
        self.heightScale = heightScale
        self.widthScale = widthScale
    }

    /// The box an encoding describes, computed as TFLite's DecodeCenterSizeBoxes does (in float).
    public func decode(ty: Float, tx: Float, th: Float, tw: Float, anchor: Anchor) -> BoundingBox {
        let yCenter = ty / yScale * anchor.height + anchor.yCenter
        let xCenter = tx / xScale * anchor.width + anchor.xCenter
        let halfHeight = 0.5 * expf(th / heightScale) * anchor.height
        let halfWidth = 0.5 * expf(tw / widthScale) * anchor.width
        return BoundingBox(
            ymin: yCenter - halfHeight, xmin: xCenter - halfWidth, ymax: yCenter + halfHeight,
            xmax: xCenter + halfWidth)
    }
}
