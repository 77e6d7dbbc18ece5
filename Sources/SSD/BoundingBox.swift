/// A box in normalized image coordinates, corner form, as SSD models emit them (y first).
public struct BoundingBox: Sendable, Equatable {
    public var ymin: Float
    public var xmin: Float
    public var ymax: Float
    public var xmax: Float

    public init(ymin: Float, xmin: Float, ymax: Float, xmax: Float) {
        self.ymin = ymin
        self.xmin = xmin
        self.ymax = ymax
        self.xmax = xmax
    }

    public var area: Float { (ymax - ymin) * (xmax - xmin) }

    /// Intersection over union, 0 when either box is empty (TFLite's ComputeIntersectionOverUnion).
    public func intersectionOverUnion(_ other: BoundingBox) -> Float {
        let (a, b) = (area, other.area)
        guard a > 0, b > 0 else { return 0 }
        let height = max(min(ymax, other.ymax) - max(ymin, other.ymin), 0)
        let width = max(min(xmax, other.xmax) - max(xmin, other.xmin), 0)
        let intersection = height * width
        return intersection / (a + b - intersection)
    }

    /// The box clipped to [0, 1] on both axes.
    public var clipped: BoundingBox {
        BoundingBox(
            ymin: min(max(ymin, 0), 1), xmin: min(max(xmin, 0), 1), ymax: min(max(ymax, 0), 1),
            xmax: min(max(xmax, 0), 1))
    }
}
