/// A box in corner form, y first as SSD models emit them: in normalized image coordinates (what the postprocess
/// produces, and `Detection.normalizedBox`), or in pixels (`Detection.box`).
public struct BoundingBox: Sendable, Equatable {
    /// Top edge; normalized, 0 is the image's top and 1 its bottom.
    public var ymin: Float
    /// Left edge; normalized, 0 is the image's left and 1 its right.
    public var xmin: Float
    /// Bottom edge, normally at least `ymin`.
    public var ymax: Float
    /// Right edge, normally at least `xmin`.
    public var xmax: Float

    /// A box as given: neither ordered nor clipped.
    public init(ymin: Float, xmin: Float, ymax: Float, xmax: Float) {
        self.ymin = ymin
        self.xmin = xmin
        self.ymax = ymax
        self.xmax = xmax
    }

    /// A box from [xmin, ymin, xmax, ymax]; nil unless there are four numbers.
    public init?(xyxy corners: [Float]) {
        guard corners.count == 4 else { return nil }
        self.init(ymin: corners[1], xmin: corners[0], ymax: corners[3], xmax: corners[2])
    }

    /// [xmin, ymin, xmax, ymax]: the x-first order of the JSON outputs (docs/JSON.md) and of most tools.
    public var xyxy: [Float] { [xmin, ymin, xmax, ymax] }

    /// Height times width (of a normalized box, a fraction of the image's area); meaningful only when min <= max
    /// on both axes.
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

    /// The box clipped to [0, 1] on both axes: a normalized box kept within the image.
    public var clipped: BoundingBox {
        BoundingBox(
            ymin: min(max(ymin, 0), 1), xmin: min(max(xmin, 0), 1), ymax: min(max(ymax, 0), 1),
            xmax: min(max(xmax, 0), 1))
    }
}
