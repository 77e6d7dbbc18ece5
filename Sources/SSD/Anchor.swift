/// An SSD anchor (prior box) in normalized image coordinates, center-size form.
public struct Anchor: Sendable, Equatable {
    public var yCenter: Float
    public var xCenter: Float
    public var height: Float
    public var width: Float

    public init(yCenter: Float, xCenter: Float, height: Float, width: Float) {
        self.yCenter = yCenter
        self.xCenter = xCenter
        self.height = height
        self.width = width
    }
}
