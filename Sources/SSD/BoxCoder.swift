#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SSD's box coding: how a row of the box head becomes a box. The center-size encodings are offsets relative to
/// an anchor, with scales (the "variances" of Caffe SSD: 10, 10, 5, 5 are 0.1, 0.1, 0.2, 0.2); boxes decoded in
/// the graph are corners already.
public struct BoxCoder: Sendable, Equatable {
    /// Divides ty: the center moves ty / yScale anchor heights down.
    public var yScale: Float
    /// Divides tx: the center moves tx / xScale anchor widths right.
    public var xScale: Float
    /// Divides th: the height is the anchor's times exp(th / heightScale).
    public var heightScale: Float
    /// Divides tw: the width is the anchor's times exp(tw / widthScale).
    public var widthScale: Float
    /// The order of a row's four numbers, and the arithmetic of its family (`decode(_:anchor:)`).
    public var encoding: BoxEncoding

    /// Defaults are TensorFlow's 10, 10, 5, 5 and (ty, tx, th, tw); `PostprocessOptions.validate` bounds each scale
    /// to `scaleRange`.
    public init(
        yScale: Float = 10, xScale: Float = 10, heightScale: Float = 5, widthScale: Float = 5,
        encoding: BoxEncoding = .centerSizeYXHW
    ) {
        self.yScale = yScale
        self.xScale = xScale
        self.heightScale = heightScale
        self.widthScale = widthScale
        self.encoding = encoding
    }

    /// A coder as PyTorch and Caffe SSDs describe theirs, by variances (UltraFace: 0.1 and 0.2): the scales are
    /// their reciprocals, so the same range (0.001...1000) bounds them in `PostprocessOptions.validate`. Decoding
    /// takes the reciprocal back: the variance itself for 0.1, 0.2 and most floats, else within one ulp of it.
    public init(centerVariance: Float, sizeVariance: Float, encoding: BoxEncoding = .centerSizeXYWH) {
        self.init(
            yScale: 1 / centerVariance, xScale: 1 / centerVariance, heightScale: 1 / sizeVariance,
            widthScale: 1 / sizeVariance, encoding: encoding)
    }

    /// The box one row of a box head describes, `row` in `encoding`'s order, decoded against the row's anchor. Only
    /// the center-size encodings read the anchor: boxes decoded in the graph (`.cornersXYXY`) need none. Each
    /// family's own arithmetic: `.centerSizeYXHW` divides by the scales as TFLite does, `.centerSizeXYWH`
    /// multiplies by the variances (1 / scale) as PyTorch does.
    public func decode(_ row: (Float, Float, Float, Float), anchor: @autoclosure () -> Anchor) -> BoundingBox {
        switch encoding {
        case .centerSizeYXHW:
            return decode(ty: row.0, tx: row.1, th: row.2, tw: row.3, anchor: anchor())
        case .centerSizeXYWH:
            // In float32, t / 10 and t * 0.1 differ in the last bit for about one value in five (1,773 of 8,840 on
            // UltraFace's heads). Multiplying, with the reference's own exp values, gives its boxes bit for bit
            // (dividing: 96 of 17,680 coordinates differ); only numpy's exp, not correctly rounded, leaves up to
            // 1.2e-7 between them. The reciprocals of 10 and 5 are exactly the floats 0.1 and 0.2.
            let anchor = anchor()
            let (xVariance, yVariance) = (1 / xScale, 1 / yScale)
            let (widthVariance, heightVariance) = (1 / widthScale, 1 / heightScale)
            let xCenter = row.0 * xVariance * anchor.width + anchor.xCenter
            let yCenter = row.1 * yVariance * anchor.height + anchor.yCenter
            let halfWidth = 0.5 * expf(row.2 * widthVariance) * anchor.width
            let halfHeight = 0.5 * expf(row.3 * heightVariance) * anchor.height
            return BoundingBox(
                ymin: yCenter - halfHeight, xmin: xCenter - halfWidth, ymax: yCenter + halfHeight,
                xmax: xCenter + halfWidth)
        case .cornersXYXY:
            return BoundingBox(ymin: row.1, xmin: row.0, ymax: row.3, xmax: row.2)
        }
    }

    /// The box an encoding (ty, tx, th, tw) describes, computed as TFLite's DecodeCenterSizeBoxes does (in float),
    /// whatever `encoding` says.
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
