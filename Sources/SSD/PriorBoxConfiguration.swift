/// SSD prior boxes as Caffe's PriorBox layer (and GluonCV) generate them: per layer, boxes of `minimumSizes`,
/// sqrt(min * max) for each `maximumSizes` entry, and each aspect ratio (and its inverse with `flip`), centered
/// on a grid of `step` pixels with `offset`. Sizes are in pixels of `imageSize`; anchors come out normalized.
/// Order: layer, then y, then x, then box (min size, its max size, then the aspect ratios), as Caffe emits them.
public struct PriorBoxConfiguration: Sendable, Equatable {
    /// One layer's priors.
    public struct Layer: Sendable, Equatable {
        /// Rows of this layer's grid (its head's feature map); one cell of priors per row and column.
        public var featureMapHeight: Int
        /// Columns of this layer's grid.
        public var featureMapWidth: Int
        /// Sides in pixels of the square priors of each cell; each also sizes the aspect-ratio boxes that follow it.
        public var minimumSizes: [Float]
        /// Paired with `minimumSizes` by index: a square of side sqrt(min * max) after that min; extras are ignored.
        public var maximumSizes: [Float]
        /// Ratios other than 1 (1 is always present through the minimum size).
        public var aspectRatios: [Float]
        /// Also emit 1 / ratio for each of `aspectRatios`.
        public var flip: Bool
        /// Cell size in pixels; nil for imageSize / featureMap size.
        public var step: Float?
        /// Where a prior's center sits in its cell, in cells (0.5: the middle).
        public var offset: Float

        /// Defaults: no maximum sizes or extra ratios, flipped, the step from the image size, centered in each cell.
        public init(
            featureMapHeight: Int, featureMapWidth: Int, minimumSizes: [Float], maximumSizes: [Float] = [],
            aspectRatios: [Float] = [], flip: Bool = true, step: Float? = nil, offset: Float = 0.5
        ) {
            self.featureMapHeight = featureMapHeight
            self.featureMapWidth = featureMapWidth
            self.minimumSizes = minimumSizes
            self.maximumSizes = maximumSizes
            self.aspectRatios = aspectRatios
            self.flip = flip
            self.step = step
            self.offset = offset
        }
    }

    /// One per head, in the order the network concatenates its anchors.
    public var layers: [Layer]
    /// Input height in pixels: the unit of sizes and steps, and what the anchors are normalized by.
    public var imageHeight: Float
    /// Input width in pixels: the unit of sizes and steps, and what the anchors are normalized by.
    public var imageWidth: Float
    /// Clip every prior to [0, 1].
    public var clip: Bool

    /// Unchecked: a zero image size gives non-finite anchors, which `SSDPostprocessor.validate()` refuses.
    public init(layers: [Layer], imageHeight: Float, imageWidth: Float, clip: Bool = false) {
        self.layers = layers
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.clip = clip
    }

    /// Every prior, normalized to the image (clipped to it when `clip`), in Caffe's order.
    public func anchors() -> [Anchor] {
        var anchors: [Anchor] = []
        for layer in layers {
            let ratios = layer.expandedAspectRatios
            let stepY = layer.step ?? imageHeight / Float(layer.featureMapHeight)
            let stepX = layer.step ?? imageWidth / Float(layer.featureMapWidth)
            for y in 0..<layer.featureMapHeight {
                for x in 0..<layer.featureMapWidth {
                    let centerY = (Float(y) + layer.offset) * stepY, centerX = (Float(x) + layer.offset) * stepX
                    func add(_ height: Float, _ width: Float) {
                        var anchor = Anchor(
                            yCenter: centerY / imageHeight, xCenter: centerX / imageWidth,
                            height: height / imageHeight, width: width / imageWidth)
                        if clip { anchor = Self.clipped(anchor) }
                        anchors.append(anchor)
                    }
                    for (index, minimum) in layer.minimumSizes.enumerated() {
                        add(minimum, minimum)
                        if index < layer.maximumSizes.count {
                            let size = (minimum * layer.maximumSizes[index]).squareRoot()
                            add(size, size)
                        }
                        for ratio in ratios { add(minimum / ratio.squareRoot(), minimum * ratio.squareRoot()) }
                    }
                }
            }
        }
        return anchors
    }

    /// The anchor's corners clipped to the image, back in center-size form.
    static func clipped(_ anchor: Anchor) -> Anchor {
        let ymin = min(max(anchor.yCenter - anchor.height / 2, 0), 1),
            ymax = min(max(anchor.yCenter + anchor.height / 2, 0), 1)
        let xmin = min(max(anchor.xCenter - anchor.width / 2, 0), 1),
            xmax = min(max(anchor.xCenter + anchor.width / 2, 0), 1)
        return Anchor(yCenter: (ymin + ymax) / 2, xCenter: (xmin + xmax) / 2, height: ymax - ymin, width: xmax - xmin)
    }
}

extension PriorBoxConfiguration.Layer {
    /// The ratios each minimum size gets a box for, besides its square: `aspectRatios` without 1 and repeats, each
    /// followed by its inverse with `flip`, as Caffe expands them.
    var expandedAspectRatios: [Float] {
        var ratios: [Float] = []
        for ratio in aspectRatios where abs(ratio - 1) > 1e-6 && !ratios.contains(ratio) {
            ratios.append(ratio)
            if flip { ratios.append(1 / ratio) }
        }
        return ratios
    }

    /// Priors per cell: per minimum size, its square, the square of its maximum size when it has one, and one box per
    /// expanded ratio.
    var priorsPerCell: Int {
        minimumSizes.count * (1 + expandedAspectRatios.count) + min(maximumSizes.count, minimumSizes.count)
    }
}
