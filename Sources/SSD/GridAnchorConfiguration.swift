/// SSD grid anchors as the TensorFlow Object Detection API generates them (`create_ssd_anchors` with a
/// MultipleGridAnchorGenerator): per layer a scale interpolated between `minimumScale` and `maximumScale`, one
/// anchor per aspect ratio plus an interpolated-scale one, and three small ones in the lowest layer when
/// `reduceBoxesInLowestLayer`. Order: layer, then y, then x, then anchor.
public struct GridAnchorConfiguration: Sendable, Equatable {
    /// Feature-map sizes (height, width), lowest layer first; one per layer.
    public var featureMaps: [(height: Int, width: Int)]
    /// Scale of the lowest layer's anchors, a fraction of the image side.
    public var minimumScale: Float
    /// Scale of the highest layer; the layers between are spaced evenly (a single layer uses `minimumScale`).
    public var maximumScale: Float
    /// Width over height of each anchor of a cell (ignored by the lowest layer when it is reduced).
    public var aspectRatios: [Float]
    /// Aspect ratio of the extra anchor at scale sqrt(scale * next scale); 0 or less for none.
    public var interpolatedScaleAspectRatio: Float
    /// The lowest layer gets three fixed anchors instead: scale 0.1 at ratio 1, and its scale at ratios 2 and 0.5.
    public var reduceBoxesInLowestLayer: Bool
    /// Base anchor size (height, width) in normalized units.
    public var baseAnchorSize: (height: Float, width: Float)

    /// Defaults are the TF Object Detection API's for SSD MobileNet: only the feature maps need giving.
    public init(
        featureMaps: [(height: Int, width: Int)], minimumScale: Float = 0.2, maximumScale: Float = 0.95,
        aspectRatios: [Float] = [1, 2, 0.5, 3, 1.0 / 3], interpolatedScaleAspectRatio: Float = 1,
        reduceBoxesInLowestLayer: Bool = true, baseAnchorSize: (height: Float, width: Float) = (1, 1)
    ) {
        self.featureMaps = featureMaps
        self.minimumScale = minimumScale
        self.maximumScale = maximumScale
        self.aspectRatios = aspectRatios
        self.interpolatedScaleAspectRatio = interpolatedScaleAspectRatio
        self.reduceBoxesInLowestLayer = reduceBoxesInLowestLayer
        self.baseAnchorSize = baseAnchorSize
    }

    /// The default SSD MobileNet configuration at a 300x300 input: six layers of 19, 10, 5, 3, 2 and 1 cells.
    public static let ssdMobileNet300 = GridAnchorConfiguration(featureMaps: [19, 10, 5, 3, 2, 1].map { ($0, $0) })

    /// Field by field (the tuples rule out a synthesized `==`).
    public static func == (a: GridAnchorConfiguration, b: GridAnchorConfiguration) -> Bool {
        a.featureMaps.elementsEqual(b.featureMaps) { $0 == $1 } && a.minimumScale == b.minimumScale
            && a.maximumScale == b.maximumScale && a.aspectRatios == b.aspectRatios
            && a.interpolatedScaleAspectRatio == b.interpolatedScaleAspectRatio
            && a.reduceBoxesInLowestLayer == b.reduceBoxesInLowestLayer && a.baseAnchorSize == b.baseAnchorSize
    }

    /// (scale, aspect ratio) of each anchor of each cell, per layer.
    public var boxSpecifications: [[(scale: Float, aspectRatio: Float)]] {
        let layers = featureMaps.count
        var scales = (0..<layers).map { i in
            layers == 1 ? minimumScale : minimumScale + (maximumScale - minimumScale) * Float(i) / Float(layers - 1)
        }
        scales.append(1)
        return (0..<layers).map { layer in
            if layer == 0 && reduceBoxesInLowestLayer {
                return [(0.1, 1), (scales[0], 2), (scales[0], 0.5)]
            }
            var specifications = aspectRatios.map { (scale: scales[layer], aspectRatio: $0) }
            if interpolatedScaleAspectRatio > 0 {
                specifications.append(((scales[layer] * scales[layer + 1]).squareRoot(), interpolatedScaleAspectRatio))
            }
            return specifications
        }
    }

    /// Every anchor, in the generator's order.
    public func anchors() -> [Anchor] {
        var anchors: [Anchor] = []
        for (layer, specifications) in boxSpecifications.enumerated() {
            let (gridHeight, gridWidth) = featureMaps[layer]
            let (strideY, strideX) = (1 / Float(gridHeight), 1 / Float(gridWidth))
            for y in 0..<gridHeight {
                for x in 0..<gridWidth {
                    for (scale, aspectRatio) in specifications {
                        let ratio = aspectRatio.squareRoot()
                        anchors.append(
                            Anchor(
                                yCenter: Float(y) * strideY + strideY / 2,
                                xCenter: Float(x) * strideX + strideX / 2,
                                height: scale / ratio * baseAnchorSize.height,
                                width: scale * ratio * baseAnchorSize.width))
                    }
                }
            }
        }
        return anchors
    }
}
