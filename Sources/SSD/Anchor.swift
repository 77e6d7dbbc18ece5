/// An SSD anchor (prior box) in normalized image coordinates, center-size form.
public struct Anchor: Sendable, Equatable {
    /// Vertical center, 0 at the image's top to 1 at its bottom.
    public var yCenter: Float
    /// Horizontal center, 0 at the image's left to 1 at its right.
    public var xCenter: Float
    /// A fraction of the image's height; positive for a usable anchor.
    public var height: Float
    /// A fraction of the image's width; positive for a usable anchor.
    public var width: Float

    /// An anchor as given, unchecked (`SSDPostprocessor.validate()` refuses non-finite or empty ones).
    public init(yCenter: Float, xCenter: Float, height: Float, width: Float) {
        self.yCenter = yCenter
        self.xCenter = xCenter
        self.height = height
        self.width = width
    }
}
